//! Provider profiles: which headers carry what, how the signed message is
//! built, how the signature is encoded and how the secret becomes key bytes.
//!
//! Every scheme, built-in or user-defined, is lowered to one [`Profile`] so
//! verify, sign and diagnose have a single code path.

use crate::error::{Error, Result};
use crate::text::{position_of, truncate};

/// A provider's signing scheme.
///
/// ```
/// use hooksig::Scheme;
/// assert_eq!(Scheme::from_name("Svix").unwrap(), Scheme::Standard);
/// assert_eq!(Scheme::Quiltt.name(), "quiltt");
/// assert_eq!(Scheme::from_name("acme").unwrap_err().code(), "invalid_scheme");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scheme {
    /// Quiltt: `Quiltt-Timestamp`, `Quiltt-Signature` = base64 HMAC of `"1" + ts + body`.
    Quiltt,
    /// Standard Webhooks (and Svix): `webhook-id`, `webhook-timestamp`, `webhook-signature`.
    Standard,
    /// Atelio / Bond: `Bond-Signature: t=..,v2=<hex>` over `t + "." + body`.
    Bond,
    /// Tratta: `X-Tratta-Signature-256` = hex HMAC of the body, bare or `sha256=`-prefixed.
    Tratta,
    /// Stripe: `Stripe-Signature: t=..,v1=<hex>` over `t + "." + body`.
    Stripe,
    /// GitHub: `X-Hub-Signature-256: sha256=<hex>` over the body.
    Github,
    /// Shopify: `X-Shopify-Hmac-Sha256` = base64 HMAC of the body.
    Shopify,
    /// Slack: `X-Slack-Request-Timestamp`, `X-Slack-Signature: v0=<hex>` over `"v0:" + ts + ":" + body`.
    Slack,
    /// A user-defined scheme for providers not listed.
    Custom(Box<CustomScheme>),
}

impl Scheme {
    /// The names of the built-in schemes, as accepted by [`Scheme::from_name`].
    pub const BUILT_IN: &'static [&'static str] = &[
        "quiltt", "standard", "bond", "tratta", "stripe", "github", "shopify", "slack",
    ];

    /// Looks a built-in scheme up by name (case-insensitive; `svix` and
    /// `standard-webhooks` are aliases of `standard`, `atelio` of `bond`).
    pub fn from_name(name: &str) -> Result<Scheme> {
        let scheme = match name.trim_ascii().to_ascii_lowercase().as_str() {
            "quiltt" => Scheme::Quiltt,
            "standard" | "standard-webhooks" | "standardwebhooks" | "svix" => Scheme::Standard,
            "bond" | "atelio" => Scheme::Bond,
            "tratta" => Scheme::Tratta,
            "stripe" => Scheme::Stripe,
            "github" => Scheme::Github,
            "shopify" => Scheme::Shopify,
            "slack" => Scheme::Slack,
            _ => {
                return Err(Error::InvalidScheme {
                    reason: format!(
                        "unknown scheme \"{}\"; expected one of {} or a custom scheme definition",
                        truncate(name, 40),
                        Scheme::BUILT_IN.join(", ")
                    ),
                });
            }
        };
        Ok(scheme)
    }

    /// Parses a user-defined scheme from its JSON definition (see [`CustomScheme`]).
    ///
    /// ```
    /// let scheme = hooksig::Scheme::custom_from_json(
    ///     r#"{"signature_header": "X-Acme-Signature", "signature_prefix": "sha256=",
    ///         "timestamp_header": "X-Acme-Timestamp", "message": "{timestamp}.{body}"}"#,
    /// ).unwrap();
    /// assert_eq!(scheme.name(), "custom");
    /// ```
    #[cfg(feature = "json")]
    pub fn custom_from_json(json: &str) -> Result<Scheme> {
        let custom = CustomScheme::from_json(json).map_err(|refusal| Error::InvalidScheme {
            reason: format!("custom scheme definition is not valid: {refusal}"),
        })?;
        Scheme::custom(custom)
    }

    /// A user-defined scheme from its fields, checked as
    /// [`custom_from_json`](Self::custom_from_json) checks a definition
    /// (`Scheme::Custom` itself takes a definition unchecked). Needs no JSON.
    ///
    /// ```
    /// use hooksig::{CustomScheme, Scheme};
    /// let scheme = Scheme::custom(CustomScheme {
    ///     timestamp_header: Some("X-Acme-Timestamp".into()),
    ///     message: "{timestamp}.{body}".into(),
    ///     ..CustomScheme::new("X-Acme-Signature")
    /// })?;
    /// assert_eq!(scheme.name(), "custom");
    /// assert!(Scheme::custom(CustomScheme::new("X Sig")).is_err());
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidScheme`] when a header name, the message template or
    /// the signature prefix is not usable.
    pub fn custom(custom: CustomScheme) -> Result<Scheme> {
        Self::custom_checked(custom)
    }

    /// A user-defined scheme from the members of its definition, as a
    /// language's own object gives them (the light WASM build reads a JS
    /// object this way, without JSON): the same fields, defaults, checks and
    /// messages as [`custom_from_json`](Self::custom_from_json).
    ///
    /// ```
    /// use hooksig::{FieldValue, Scheme};
    /// let scheme = Scheme::custom_from_fields([
    ///     ("signature_header", FieldValue::String("X-Sig")),
    ///     ("min_secret_len", FieldValue::WholeNumber(16)),
    /// ])?;
    /// assert_eq!(scheme.name(), "custom");
    /// let unknown = Scheme::custom_from_fields([("surprise", FieldValue::Null)]).unwrap_err();
    /// assert!(unknown.to_string().contains("unknown field \"surprise\""));
    /// # Ok::<(), hooksig::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::InvalidScheme`], as for [`custom_from_json`](Self::custom_from_json).
    pub fn custom_from_fields<'a>(
        fields: impl IntoIterator<Item = (&'a str, FieldValue<'a>)>,
    ) -> Result<Scheme> {
        let custom = CustomScheme::from_fields(fields).map_err(|refusal| Error::InvalidScheme {
            reason: format!("custom scheme definition is not valid: {refusal}"),
        })?;
        Self::custom_checked(custom)
    }

    fn custom_checked(custom: CustomScheme) -> Result<Scheme> {
        custom.validate()?;
        Ok(Scheme::Custom(Box::new(custom)))
    }

    /// The scheme's name (`"custom"` for user-defined schemes).
    pub fn name(&self) -> &'static str {
        match self {
            Scheme::Quiltt => "quiltt",
            Scheme::Standard => "standard",
            Scheme::Bond => "bond",
            Scheme::Tratta => "tratta",
            Scheme::Stripe => "stripe",
            Scheme::Github => "github",
            Scheme::Shopify => "shopify",
            Scheme::Slack => "slack",
            Scheme::Custom(_) => "custom",
        }
    }

    /// The header that carries the event type, for schemes that send one
    /// (`X-Tratta-Event-Name`, `X-GitHub-Event`, `X-Shopify-Topic`).
    pub fn event_header(&self) -> Option<&str> {
        match self {
            Scheme::Tratta => Some("X-Tratta-Event-Name"),
            Scheme::Github => Some("X-GitHub-Event"),
            Scheme::Shopify => Some("X-Shopify-Topic"),
            Scheme::Custom(c) => c.event_header.as_deref(),
            _ => None,
        }
    }

    pub(crate) fn profile(&self) -> Profile {
        use MessagePart::*;
        let header = |s: &str| Some(s.to_owned());
        let base = Profile {
            signature_header: String::new(),
            signature_format: SignatureFormat::Single {
                prefix: None,
                prefix_required: false,
            },
            timestamp_header: None,
            id_header: None,
            aliases: None,
            message: vec![Body],
            encoding: Encoding::Hex,
            key_format: KeyFormat::Utf8,
            min_secret_len: 1,
        };
        match self {
            Scheme::Quiltt => Profile {
                signature_header: "Quiltt-Signature".into(),
                timestamp_header: header("Quiltt-Timestamp"),
                message: vec![Literal(b"1".to_vec()), Timestamp, Body],
                encoding: Encoding::Base64,
                ..base
            },
            Scheme::Standard => Profile {
                signature_header: "webhook-signature".into(),
                signature_format: SignatureFormat::SpaceList {
                    version: "v1",
                    asymmetric: Some("v1a"),
                },
                timestamp_header: header("webhook-timestamp"),
                id_header: Some(IdHeader {
                    name: "webhook-id".into(),
                    required: true,
                }),
                aliases: Some(Aliases {
                    signature: "svix-signature",
                    timestamp: Some("svix-timestamp"),
                    id: Some("svix-id"),
                }),
                message: vec![
                    Id,
                    Literal(b".".to_vec()),
                    Timestamp,
                    Literal(b".".to_vec()),
                    Body,
                ],
                encoding: Encoding::Base64,
                key_format: KeyFormat::Base64,
                // The spec asks for 24..64 bytes, but Svix's own documented example
                // secret is 18; 16 rejects toy keys without rejecting real senders.
                min_secret_len: 16,
            },
            Scheme::Bond => Profile {
                signature_header: "Bond-Signature".into(),
                signature_format: SignatureFormat::KeyValue { version: "v2" },
                message: vec![Timestamp, Literal(b".".to_vec()), Body],
                ..base
            },
            Scheme::Tratta => Profile {
                signature_header: "X-Tratta-Signature-256".into(),
                signature_format: SignatureFormat::Single {
                    prefix: Some("sha256=".into()),
                    prefix_required: false,
                },
                id_header: Some(IdHeader {
                    name: "X-Tratta-Webhook-ID".into(),
                    required: false,
                }),
                // Tratta's API rejects subscription secrets under 16 characters.
                min_secret_len: 16,
                ..base
            },
            Scheme::Stripe => Profile {
                signature_header: "Stripe-Signature".into(),
                signature_format: SignatureFormat::KeyValue { version: "v1" },
                message: vec![Timestamp, Literal(b".".to_vec()), Body],
                ..base
            },
            Scheme::Github => Profile {
                signature_header: "X-Hub-Signature-256".into(),
                signature_format: SignatureFormat::Single {
                    prefix: Some("sha256=".into()),
                    prefix_required: true,
                },
                id_header: Some(IdHeader {
                    name: "X-GitHub-Delivery".into(),
                    required: false,
                }),
                ..base
            },
            Scheme::Shopify => Profile {
                signature_header: "X-Shopify-Hmac-Sha256".into(),
                id_header: Some(IdHeader {
                    name: "X-Shopify-Webhook-Id".into(),
                    required: false,
                }),
                // Shopify's 2026 header names, which replace the X-Shopify-* ones.
                aliases: Some(Aliases {
                    signature: "shopify-hmac-sha256",
                    timestamp: None,
                    id: Some("shopify-webhook-id"),
                }),
                encoding: Encoding::Base64,
                ..base
            },
            Scheme::Slack => Profile {
                signature_header: "X-Slack-Signature".into(),
                signature_format: SignatureFormat::Single {
                    prefix: Some("v0=".into()),
                    prefix_required: true,
                },
                timestamp_header: header("X-Slack-Request-Timestamp"),
                message: vec![
                    Literal(b"v0:".to_vec()),
                    Timestamp,
                    Literal(b":".to_vec()),
                    Body,
                ],
                ..base
            },
            Scheme::Custom(c) => Profile {
                signature_header: c.signature_header.clone(),
                signature_format: SignatureFormat::Single {
                    prefix: c.signature_prefix.clone().filter(|p| !p.is_empty()),
                    prefix_required: c.signature_prefix.as_deref().is_some_and(|p| !p.is_empty()),
                },
                timestamp_header: c.timestamp_header.clone(),
                id_header: c.id_header.clone().map(|name| IdHeader {
                    name,
                    required: position_of(c.message.as_bytes(), b"{id}").is_some(),
                }),
                message: parse_template(&c.message).unwrap_or_default(),
                encoding: c.encoding,
                key_format: c.key_format,
                min_secret_len: c.min_secret_len.max(1),
                ..base
            },
        }
    }
}

/// A member's value in a custom-scheme definition given field by field
/// ([`Scheme::custom_from_fields`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValue<'a> {
    /// `null` (the optional fields' default).
    Null,
    /// A string.
    String(&'a str),
    /// A non-negative integer written without fraction or exponent.
    WholeNumber(u64),
    /// Anything else (another number, a boolean, an array, an object).
    Other,
}

/// A JSON value as a custom-scheme member's value.
#[cfg(feature = "json")]
fn field_value(value: &serde_json::Value) -> FieldValue<'_> {
    use serde_json::Value;
    match value {
        Value::Null => FieldValue::Null,
        Value::String(text) => FieldValue::String(text),
        // Source text (arbitrary_precision): `-0`, `1.0` and `1e2` are
        // not written as whole numbers.
        Value::Number(n) => match n.to_string() {
            text if text.bytes().all(|b| b.is_ascii_digit()) => text
                .parse()
                .map_or(FieldValue::Other, FieldValue::WholeNumber),
            _ => FieldValue::Other,
        },
        _ => FieldValue::Other,
    }
}

/// The members of a custom-scheme definition, as (index in
/// [`CustomScheme::FIELDS`], value), each field at most once.
#[cfg(feature = "json")]
struct Fields(Vec<(usize, serde_json::Value)>);

#[cfg(feature = "json")]
impl<'de> serde::Deserialize<'de> for Fields {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Fields;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Fields, A::Error> {
                use serde::de::Error as _;
                let mut fields: Vec<(usize, serde_json::Value)> = Vec::new();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    let Some(field) = CustomScheme::FIELDS.iter().position(|f| *f == key) else {
                        return Err(A::Error::custom(format_args!(
                            "unknown field \"{}\", expected one of {}",
                            truncate(&key, 40),
                            CustomScheme::FIELDS.join(", ")
                        )));
                    };
                    if fields.iter().any(|(seen, _)| *seen == field) {
                        return Err(A::Error::custom(format_args!("duplicate field \"{key}\"")));
                    }
                    fields.push((field, map.next_value()?));
                }
                Ok(Fields(fields))
            }
        }
        d.deserialize_map(Visitor)
    }
}

impl std::str::FromStr for Scheme {
    type Err = Error;
    fn from_str(s: &str) -> Result<Scheme> {
        let trimmed = s.trim_start();
        if trimmed.starts_with('{') {
            #[cfg(feature = "json")]
            return Scheme::custom_from_json(trimmed);
            #[cfg(not(feature = "json"))]
            return Err(Error::InvalidScheme {
                reason: "custom scheme definitions in JSON need hooksig's json feature; build one with Scheme::custom".into(),
            });
        } else {
            Scheme::from_name(s)
        }
    }
}

/// A user-defined scheme, for providers hooksig does not know by name.
///
/// `message` is a template over `{id}`, `{timestamp}` and `{body}` (body exactly
/// once); every placeholder other than `{body}` needs its header.
///
/// Its JSON form is one object with these fields (only `signature_header` is
/// required; an unknown or repeated field is refused); the optional header
/// fields may be `null`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomScheme {
    /// The header that carries the signature.
    pub signature_header: String,
    /// A prefix the signature carries, such as `sha256=` (required when set).
    pub signature_prefix: Option<String>,
    /// The header that carries the Unix timestamp, if the scheme signs one.
    pub timestamp_header: Option<String>,
    /// The header that carries the message id, if any.
    pub id_header: Option<String>,
    /// The header that carries the event type, if any.
    pub event_header: Option<String>,
    /// The signed message, e.g. `"{timestamp}.{body}"`.
    pub message: String,
    /// How the signature is encoded.
    pub encoding: Encoding,
    /// How the secret becomes key bytes.
    pub key_format: KeyFormat,
    /// Shortest secret accepted, in key bytes.
    pub min_secret_len: usize,
}

impl CustomScheme {
    /// The fields of a definition, in declaration order.
    pub(crate) const FIELDS: &[&str] = &[
        "signature_header",
        "signature_prefix",
        "timestamp_header",
        "id_header",
        "event_header",
        "message",
        "encoding",
        "key_format",
        "min_secret_len",
    ];

    /// A definition with `signature_header` and every other field at its
    /// default: no prefix, timestamp, id or event header, message `{body}`,
    /// hex signatures, UTF-8 secrets of at least one byte.
    pub fn new(signature_header: impl Into<String>) -> CustomScheme {
        CustomScheme {
            signature_header: signature_header.into(),
            signature_prefix: None,
            timestamp_header: None,
            id_header: None,
            event_header: None,
            message: "{body}".into(),
            encoding: Encoding::Hex,
            key_format: KeyFormat::Utf8,
            min_secret_len: 1,
        }
    }

    /// Reads the JSON form: an object of the [`FIELDS`](Self::FIELDS), each
    /// at most once (checked while reading), then as [`Scheme::custom_from_fields`].
    #[cfg(feature = "json")]
    fn from_json(json: &str) -> std::result::Result<CustomScheme, String> {
        let Fields(fields) = serde_json::from_str(json).map_err(|e| e.to_string())?;
        Self::from_fields(fields.iter().map(|(field, v)| {
            (
                Self::FIELDS.get(*field).copied().unwrap_or_default(),
                field_value(v),
            )
        }))
    }

    fn from_fields<'a>(
        fields: impl IntoIterator<Item = (&'a str, FieldValue<'a>)>,
    ) -> std::result::Result<CustomScheme, String> {
        let mut seen = [false; 9];
        let mut signature_header = None;
        let mut custom = CustomScheme::new(String::new());
        for (name, value) in fields {
            let Some(field) = Self::FIELDS.iter().position(|f| *f == name) else {
                return Err(format!(
                    "unknown field \"{}\", expected one of {}",
                    truncate(name, 40),
                    Self::FIELDS.join(", ")
                ));
            };
            if std::mem::replace(&mut seen[field], true) {
                return Err(format!("duplicate field \"{name}\""));
            }
            let wrong = |expected: &str| ["field \"", name, "\" must be ", expected].concat();
            let text = |value: FieldValue| match value {
                FieldValue::String(text) => Ok(text.to_owned()),
                _ => Err(wrong("a string")),
            };
            let optional = |value: FieldValue| match value {
                FieldValue::Null => Ok(None),
                FieldValue::String(text) => Ok(Some(text.to_owned())),
                _ => Err(wrong("a string or null")),
            };
            match field {
                0 => signature_header = Some(text(value)?),
                1 => custom.signature_prefix = optional(value)?,
                2 => custom.timestamp_header = optional(value)?,
                3 => custom.id_header = optional(value)?,
                4 => custom.event_header = optional(value)?,
                5 => custom.message = text(value)?,
                6 => {
                    custom.encoding = match value {
                        FieldValue::String("hex") => Encoding::Hex,
                        FieldValue::String("base64") => Encoding::Base64,
                        _ => return Err(wrong("\"hex\" or \"base64\"")),
                    }
                }
                7 => {
                    custom.key_format = match value {
                        FieldValue::String("utf8") => KeyFormat::Utf8,
                        FieldValue::String("base64") => KeyFormat::Base64,
                        _ => return Err(wrong("\"utf8\" or \"base64\"")),
                    }
                }
                _ => {
                    custom.min_secret_len = match value {
                        FieldValue::WholeNumber(n) => usize::try_from(n).ok(),
                        _ => None,
                    }
                    .ok_or_else(|| wrong("a whole number of bytes"))?
                }
            }
        }
        custom.signature_header = signature_header.ok_or("missing field \"signature_header\"")?;
        Ok(custom)
    }

    fn validate(&self) -> Result<()> {
        let invalid = |reason: String| Err(Error::InvalidScheme { reason });
        for (field, value) in [
            ("signature_header", Some(&self.signature_header)),
            ("timestamp_header", self.timestamp_header.as_ref()),
            ("id_header", self.id_header.as_ref()),
            ("event_header", self.event_header.as_ref()),
        ] {
            if let Some(name) = value {
                let valid = !name.is_empty()
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b));
                if !valid {
                    return invalid(format!("{field} must be a non-empty HTTP header name"));
                }
            }
        }
        let names = [
            Some(&self.signature_header),
            self.timestamp_header.as_ref(),
            self.id_header.as_ref(),
            self.event_header.as_ref(),
        ];
        let names: Vec<&String> = names.into_iter().flatten().collect();
        for (i, name) in names.iter().enumerate() {
            if names[..i]
                .iter()
                .any(|other| other.eq_ignore_ascii_case(name))
            {
                // `sign` would send the header twice with different values.
                return invalid("one header is named for two roles".into());
            }
        }
        if let Some(prefix) = &self.signature_prefix {
            // Receivers trim header values, so such a prefix would never be found.
            if prefix.trim_ascii() != prefix || prefix.bytes().any(|b| b.is_ascii_control()) {
                return invalid(
                    "signature_prefix has surrounding whitespace or a control character".into(),
                );
            }
        }
        let parts = parse_template(&self.message)?;
        let bodies = parts.iter().filter(|p| **p == MessagePart::Body).count();
        if bodies != 1 {
            return invalid(format!(
                "message template must contain {{body}} exactly once, found {bodies}"
            ));
        }
        if parts.contains(&MessagePart::Timestamp) && self.timestamp_header.is_none() {
            return invalid(
                "message template uses {timestamp} but timestamp_header is not set".into(),
            );
        }
        if parts.contains(&MessagePart::Id) && self.id_header.is_none() {
            return invalid("message template uses {id} but id_header is not set".into());
        }
        if self.timestamp_header.is_some() && !parts.contains(&MessagePart::Timestamp) {
            // An unsigned timestamp proves nothing: checking its window would
            // only give a false sense of protection against replays.
            return invalid(
                "timestamp_header is set but the message does not sign {timestamp}".into(),
            );
        }
        Ok(())
    }
}

/// How a signature is written in its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// Lower- or upper-case hexadecimal.
    #[default]
    Hex,
    /// Standard base64 (padding optional).
    Base64,
}

/// How a secret string becomes HMAC key bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum KeyFormat {
    /// The secret's UTF-8 bytes, as given (a `whsec_` prefix included).
    #[default]
    Utf8,
    /// Base64 of the key bytes, with an optional `whsec_` prefix.
    Base64,
}

/// The lowered, uniform description of a scheme.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    pub signature_header: String,
    pub signature_format: SignatureFormat,
    /// A separate timestamp header (KeyValue formats carry `t=` inside the signature header).
    pub timestamp_header: Option<String>,
    pub id_header: Option<IdHeader>,
    /// Another provider spelling of the same headers, tried when the signature header is absent.
    pub aliases: Option<Aliases>,
    pub message: Vec<MessagePart>,
    pub encoding: Encoding,
    pub key_format: KeyFormat,
    pub min_secret_len: usize,
}

impl Profile {
    pub fn has_timestamp(&self) -> bool {
        self.message.contains(&MessagePart::Timestamp)
    }

    /// The label of Ed25519 signature entries (Standard Webhooks' `v1a`), for
    /// schemes that have them.
    pub fn asymmetric_version(&self) -> Option<&'static str> {
        match self.signature_format {
            SignatureFormat::SpaceList { asymmetric, .. } => asymmetric,
            _ => None,
        }
    }

    /// True when the id header is part of the signed message, so a verified
    /// request's id cannot have been rewritten on the way.
    pub fn signs_id(&self) -> bool {
        self.message.contains(&MessagePart::Id)
    }
}

/// The second spelling of a scheme's headers (Svix's `svix-*`, Shopify's
/// unprefixed `shopify-*`). A request uses one spelling throughout: the
/// signature header decides which.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Aliases {
    pub signature: &'static str,
    pub timestamp: Option<&'static str>,
    pub id: Option<&'static str>,
}

#[derive(Debug, Clone)]
pub(crate) struct IdHeader {
    pub name: String,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SignatureFormat {
    /// One signature, optionally behind a prefix such as `sha256=`.
    Single {
        prefix: Option<String>,
        prefix_required: bool,
    },
    /// Space-separated `version,signature` entries (Standard Webhooks), with
    /// the label of Ed25519 entries where the scheme defines them (`v1a`).
    SpaceList {
        version: &'static str,
        asymmetric: Option<&'static str>,
    },
    /// Comma-separated `t=<ts>` and `version=signature` entries (Stripe, Bond).
    KeyValue { version: &'static str },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum MessagePart {
    Literal(Vec<u8>),
    Id,
    Timestamp,
    Body,
}

fn parse_template(template: &str) -> Result<Vec<MessagePart>> {
    let mut parts = Vec::new();
    let mut rest = template;
    while !rest.is_empty() {
        match rest.find('{') {
            Some(0) => {
                let end = rest.find('}').ok_or_else(|| Error::InvalidScheme {
                    reason: "message template has an unclosed '{'".into(),
                })?;
                parts.push(match &rest[..=end] {
                    "{id}" => MessagePart::Id,
                    "{timestamp}" => MessagePart::Timestamp,
                    "{body}" => MessagePart::Body,
                    other => {
                        return Err(Error::InvalidScheme {
                            reason: format!(
                                "message template placeholder \"{}\" is not one of {{id}}, {{timestamp}}, {{body}}",
                                truncate(other, 40)
                            ),
                        });
                    }
                });
                rest = &rest[end + 1..];
            }
            Some(i) => {
                parts.push(MessagePart::Literal(rest.as_bytes()[..i].to_vec()));
                rest = &rest[i..];
            }
            None => {
                parts.push(MessagePart::Literal(rest.as_bytes().to_vec()));
                rest = "";
            }
        }
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_parse_into_parts() {
        use MessagePart::*;
        assert_eq!(
            parse_template("v0:{timestamp}:{body}").unwrap(),
            vec![
                Literal(b"v0:".to_vec()),
                Timestamp,
                Literal(b":".to_vec()),
                Body
            ]
        );
        assert_eq!(
            parse_template("{nope}").unwrap_err().code(),
            "invalid_scheme"
        );
        assert_eq!(
            parse_template("{body").unwrap_err().code(),
            "invalid_scheme"
        );
    }

    #[test]
    fn custom_schemes_are_validated() {
        let bad = [
            r#"{"signature_header": ""}"#,
            r#"{"signature_header": "X-Sig", "message": "{timestamp}.{body}"}"#,
            r#"{"signature_header": "X-Sig", "message": "{body}{body}"}"#,
            r#"{"signature_header": "X-Sig", "message": "no body"}"#,
            r#"{"signature_header": "X Sig"}"#,
            r#"{"signature_header": "X-Sig", "encoding": "rot13"}"#,
            r#"{"signature_header": "X-Sig", "surprise": 1}"#,
            "not json",
        ];
        for json in bad {
            assert_eq!(
                Scheme::custom_from_json(json).unwrap_err().code(),
                "invalid_scheme",
                "{json}"
            );
        }
    }
}
