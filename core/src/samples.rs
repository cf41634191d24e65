//! Realistic sample payloads per provider, for `hooksig send`, demos and tests —
//! the equivalent of a provider dashboard's "send test event" button.

use crate::scheme::Scheme;

/// The event type a sample uses when none is asked for.
pub fn default_event_type(scheme: &Scheme) -> &'static str {
    match scheme {
        Scheme::Quiltt => "connection.synced.successful",
        Scheme::Standard => "invoice.paid",
        Scheme::Bond => "card.created",
        Scheme::Tratta => "customer.create",
        Scheme::Stripe => "customer.created",
        Scheme::Github => "push",
        Scheme::Shopify => "orders/create",
        Scheme::Slack => "slash_command",
        Scheme::Custom(_) => "sample.event",
    }
}

/// A sample body for `scheme` carrying `event_type`, shaped like the provider's payloads.
///
/// ```
/// use hooksig::{Scheme, samples};
/// let body = samples::sample_body(&Scheme::Quiltt, "account.verified");
/// assert!(std::str::from_utf8(&body).unwrap().contains(r#""type":"account.verified""#));
/// ```
pub fn sample_body(scheme: &Scheme, event_type: &str) -> Vec<u8> {
    // Event types are embedded as JSON strings, so escape them properly.
    let t = serde_json::to_string(event_type).unwrap_or_default();
    let body = match scheme {
        Scheme::Quiltt => format!(
            r#"{{"eventTypes":[{t}],"events":[{{"id":"evt_1hLkN9bXqZ","type":{t},"profile":{{"id":"p_12w8Yx4QhD","metadata":{{}}}},"record":{{"id":"conn_1Kx3vBtPXAi","status":"SYNCED","institution":{{"name":"Mercury"}}}}}}]}}"#
        ),
        Scheme::Standard => format!(
            r#"{{"type":{t},"timestamp":"2023-11-14T22:13:20Z","data":{{"id":"inv_7Qm2","amount":4200,"currency":"usd"}}}}"#
        ),
        Scheme::Bond => format!(
            r#"{{"event":{t},"occurred_at":"2023-11-14T22:13:20Z","data":{{"card_id":"9f2c3b1e-5d8a-4c1f-b7e6-2a9d0c4e8f13","customer_id":"c1a2","status":"active"}}}}"#
        ),
        Scheme::Tratta => {
            r#"{"data":{"id":"ccd912ca-134b-4743-9ab8-1561d6143caa","name":"Test customer","email":"test@email.com","phone":null,"external_id":null}}"#.to_owned()
        }
        Scheme::Stripe => format!(
            r#"{{"id":"evt_1OcXyZ2eZvKYlo2C","object":"event","api_version":"2023-10-16","created":1700000000,"type":{t},"data":{{"object":{{"id":"cus_P3q8","object":"customer","email":"jenny@example.com"}}}}}}"#
        ),
        Scheme::Github => {
            r#"{"ref":"refs/heads/main","before":"6113728f27ae82c7b1a177c8d03f9e96e0adf246","after":"59b20b8d5c6ff8d09518454d4dd8b7b30f095ab5","repository":{"full_name":"octo-org/hello-world"},"sender":{"login":"octocat"}}"#.to_owned()
        }
        Scheme::Shopify => {
            r#"{"id":820982911946154508,"email":"jon@example.com","total_price":"403.00","currency":"USD","line_items":[{"title":"IPod Nano - 8GB","quantity":1}]}"#.to_owned()
        }
        Scheme::Slack => {
            "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&channel_id=G8PSS9T3V&user_name=roadrunner&command=%2Fwebhook-collect&text=hello".to_owned()
        }
        Scheme::Custom(_) => format!(r#"{{"type":{t},"data":{{"id":"obj_1"}}}}"#),
    };
    body.into_bytes()
}
