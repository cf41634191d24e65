//! Cases copied character for character from providers' own documentation and
//! official libraries, so a bug shared by hooksig's signer and verifier cannot
//! hide. Each names its source. Quiltt, Atelio/Bond and Tratta publish no fixed
//! example; their generated cases are checked against the reference HMAC instead.

use crate::{Case, fail, ok};
use serde_json::json;

#[allow(clippy::too_many_arguments)] // one row of a table of published examples
fn case(
    name: &str,
    source: &str,
    scheme: &str,
    secret: &str,
    headers: &[(&str, &str)],
    body: &str,
    now: i64,
    expect: serde_json::Value,
) -> Case {
    Case {
        name: name.into(),
        source: source.into(),
        scheme: json!(scheme),
        secrets: vec![secret.into()],
        tolerance: None,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
        now,
        expect,
    }
}

/// The Stripe event body of stripe-dotnet's EventUtilityTest (LF line endings, final newline).
const STRIPE_DOTNET_EVENT: &str = r#"{
  "id": "evt_123",
  "object": "event",
  "account": "acct_123",
  "api_version": "2017-05-25",
  "created": 1533204620,
  "data": {
    "object": {
      "id": "cus_123",
      "object": "customer",
      "created": 123456789,
      "email": "test@stripe.com",
      "livemode": false,
      "metadata": {}
    }
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": "req_123",
    "idempotency_key": "idempotency-key-123"
  },
  "type": "customer.created"
}
"#;

const SLACK_BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

pub(crate) fn published() -> Vec<Case> {
    let sw = "standard-webhooks/standard-webhooks: libraries/python/tests/test_webhooks.py test_sign_function (same in libraries/javascript/src/webhook.test.ts and libraries/go/webhook_test.go)";
    let sw_headers = [
        ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"),
        ("webhook-timestamp", "1614265330"),
        (
            "webhook-signature",
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        ),
    ];
    let sw_body = r#"{"test": 2432232314}"#;
    let svix_doc = "svix docs, 'Verifying Webhooks Manually', Example signatures (svix/svix-docs content/receiving/verifying-payloads/how-manual.mdx)";
    let stripe = "stripe/stripe-dotnet: src/StripeTests/Services/Events/EventUtilityTest.cs with Resources/event_test_signature.json";
    let stripe_header = "t=1533204620,v1=2220f87ef101a04665f11cdf770523143f875572008577fa0f20882ddb9cc3c7,v0=63f3a72374a733066c4be69ed7f8e5ac85c22c9f0a6a612ab9a025a9e4ee7eef";
    let github = "GitHub docs, 'Validating webhook deliveries' > 'Testing the webhook payload validation' (github/docs content/webhooks/using-webhooks/validating-webhook-deliveries.md)";
    let octokit = "octokit/webhooks-methods.js: test/sign.test.ts";
    let slack = "slackapi/python-slack-sdk: tests/slack_sdk/signature/test_signature_verifier.py (the example of Slack's 'Verifying requests from Slack')";
    let shopify = "Shopify/shopify-app-js: packages/apps/shopify-api/lib/webhooks/__tests__/validate.test.ts (apiSecretKey from lib/__tests__/test-config.ts)";
    vec![
        case(
            "standard/published example",
            sw,
            "standard",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            &sw_headers,
            sw_body,
            1_614_265_330,
            ok(0, Some(1_614_265_330), Some("msg_p5jXN8AQM9LWM0D4loKWxJek")),
        ),
        case(
            "standard/published example, last bit of the signature flipped",
            sw,
            "standard",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            &[
                sw_headers[0],
                sw_headers[1],
                (
                    "webhook-signature",
                    "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=",
                ),
            ],
            sw_body,
            1_614_265_330,
            fail("signature_mismatch"),
        ),
        case(
            "standard/published example among other versions",
            sw,
            "standard",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            &[
                sw_headers[0],
                sw_headers[1],
                (
                    "webhook-signature",
                    "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
                ),
            ],
            sw_body,
            1_614_265_330,
            ok(0, Some(1_614_265_330), Some("msg_p5jXN8AQM9LWM0D4loKWxJek")),
        ),
        case(
            "standard/published example, replayed a day later",
            sw,
            "standard",
            "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            &sw_headers,
            sw_body,
            1_614_265_330 + 86_400,
            fail("timestamp_too_old"),
        ),
        case(
            "standard/svix documented example (svix-* headers, 18-byte secret)",
            svix_doc,
            "standard",
            "whsec_plJ3nmyCDGBKInavdOK15jsl",
            &[
                ("svix-id", "msg_loFOjxBNrRLzqYUf"),
                ("svix-timestamp", "1731705121"),
                (
                    "svix-signature",
                    "v1,rAvfW3dJ/X/qxhsaXPOyyCGmRKsaKWcsNccKXlIktD0=",
                ),
            ],
            r#"{"event_type":"ping","data":{"success":true}}"#,
            1_731_705_121,
            ok(0, Some(1_731_705_121), Some("msg_loFOjxBNrRLzqYUf")),
        ),
        case(
            "stripe/published example",
            stripe,
            "stripe",
            "webhook_secret",
            &[("Stripe-Signature", stripe_header)],
            STRIPE_DOTNET_EVENT,
            1_533_204_720,
            ok(0, Some(1_533_204_620), None),
        ),
        case(
            "stripe/published example without its final newline",
            stripe,
            "stripe",
            "webhook_secret",
            &[("Stripe-Signature", stripe_header)],
            STRIPE_DOTNET_EVENT.trim_end(),
            1_533_204_720,
            fail("signature_mismatch"),
        ),
        case(
            "github/published example",
            github,
            "github",
            "It's a Secret to Everybody",
            &[(
                "X-Hub-Signature-256",
                "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17",
            )],
            "Hello, World!",
            0,
            ok(0, None, None),
        ),
        case(
            "github/octokit example",
            octokit,
            "github",
            "mysecret",
            &[(
                "x-hub-signature-256",
                "sha256=4864d2759938a15468b5df9ade20bf161da9b4f737ea61794142f3484236bda3",
            )],
            r#"{"foo":"bar"}"#,
            0,
            ok(0, None, None),
        ),
        case(
            "github/octokit example, body pretty-printed by the receiver",
            octokit,
            "github",
            "mysecret",
            &[(
                "x-hub-signature-256",
                "sha256=4864d2759938a15468b5df9ade20bf161da9b4f737ea61794142f3484236bda3",
            )],
            "{\n  \"foo\": \"bar\"\n}",
            0,
            fail("signature_mismatch"),
        ),
        case(
            "slack/published example",
            slack,
            "slack",
            "8f742231b10e8888abcd99yyyzzz85a5",
            &[
                ("X-Slack-Request-Timestamp", "1531420618"),
                (
                    "X-Slack-Signature",
                    "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
                ),
            ],
            SLACK_BODY,
            1_531_420_618,
            ok(0, Some(1_531_420_618), None),
        ),
        case(
            "slack/published example with the secret's last character dropped",
            "the secret as some third-party copies of Slack's example print it",
            "slack",
            "8f742231b10e8888abcd99yyyzzz85a",
            &[
                ("X-Slack-Request-Timestamp", "1531420618"),
                (
                    "X-Slack-Signature",
                    "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503",
                ),
            ],
            SLACK_BODY,
            1_531_420_618,
            fail("signature_mismatch"),
        ),
        case(
            "shopify/published example",
            shopify,
            "shopify",
            "test_secret_key",
            &[(
                "X-Shopify-Hmac-Sha256",
                "B23tXN681gZ0qIWNRrgtzBE9XSDo5yaUu6wfmhu3a7g=",
            )],
            r#"{"foo": "bar"}"#,
            0,
            ok(0, None, None),
        ),
        case(
            "tratta/documented payload",
            "Tratta docs, 'Securing Webhooks' Python snippet (secret and payload as printed there, payload on one line); signature from Python's hmac",
            "tratta",
            "123412341234123412341234",
            &[(
                "X-Tratta-Signature-256",
                "b58364972c5106fe9a8f782961ade0d10aa5ccccbe4acb56a59f9733968645a3",
            )],
            r#"{"data":{"id":"ccd912ca-134b-4743-9ab8-1561d6143caa","name":"Test customer","email":"test@email.com","phone":null,"external_id":null}}"#,
            0,
            ok(0, None, None),
        ),
    ]
}
