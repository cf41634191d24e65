//! Reading a request: the headers a scheme names, found case-insensitively,
//! and the signature list decoded into fixed-size signatures.

use super::window::{Timestamp, parse_timestamp};
use crate::error::{Error, Result};
use crate::scheme::{Encoding, Profile, SignatureFormat};
use crate::text::truncate;

pub(crate) const SIGNATURE_LEN: usize = 32;

/// Most entries a signature header may carry (`v1,…` items, or Stripe's and
/// Bond's `key=value` items). Senders put one to three there (one per active
/// secret); the cap bounds the comparisons at entries × secrets.
pub const MAX_SIGNATURE_ENTRIES: usize = 64;

/// How many distinct unsupported version labels a `no_supported_signature` message names.
const NAMED_LABELS: usize = 4;
pub(crate) type Signature = [u8; SIGNATURE_LEN];
/// An Ed25519 signature.
pub(crate) type AsymmetricSignature = [u8; 64];

/// The signature-relevant parts of a request, borrowed from its headers.
#[derive(Debug)]
pub(crate) struct ParsedRequest<'a> {
    pub signature_header: &'a str,
    pub timestamp: Option<Timestamp<'a>>,
    pub id: Option<&'a [u8]>,
    pub signatures: Vec<Signature>,
    /// Ed25519 signatures (Standard Webhooks' `v1a` entries).
    #[cfg_attr(not(feature = "ed25519"), allow(dead_code))]
    pub asymmetric: Vec<AsymmetricSignature>,
}

/// Finds a header by case-insensitive name. A header repeated with different
/// values is an error rather than a guess (the first and last copies may come
/// from different hops).
pub(crate) fn find_header<'a, N: AsRef<[u8]>, V: AsRef<[u8]>>(
    headers: &'a [(N, V)],
    name: &str,
) -> Result<Option<&'a [u8]>> {
    let mut found: Option<&[u8]> = None;
    for (n, v) in headers {
        if n.as_ref().eq_ignore_ascii_case(name.as_bytes()) {
            let value = v.as_ref().trim_ascii();
            match found {
                Some(previous) if previous != value => {
                    return Err(Error::malformed(
                        name,
                        "appears more than once with different values",
                    ));
                }
                _ => found = Some(value),
            }
        }
    }
    Ok(found)
}

fn required<'a, N: AsRef<[u8]>, V: AsRef<[u8]>>(
    headers: &'a [(N, V)],
    name: &str,
) -> Result<&'a [u8]> {
    find_header(headers, name)?.ok_or_else(|| Error::MissingHeader {
        header: name.to_owned(),
    })
}

/// Reads the headers a profile needs. Cheap: no allocation beyond the list
/// of decoded signatures.
pub(crate) fn parse_request<'a, N: AsRef<[u8]>, V: AsRef<[u8]>>(
    profile: &'a Profile,
    headers: &'a [(N, V)],
) -> Result<ParsedRequest<'a>> {
    let mut signature_header = profile.signature_header.as_str();
    let mut timestamp_header = profile.timestamp_header.as_deref();
    let mut id_header = profile.id_header.as_ref().map(|h| h.name.as_str());
    let mut signature_value = find_header(headers, signature_header)?;
    if signature_value.is_none() {
        // Svix sends the same scheme under svix-* names.
        if let Some(aliases) = profile.aliases {
            if let Some(value) = find_header(headers, aliases.signature)? {
                signature_value = Some(value);
                signature_header = aliases.signature;
                timestamp_header = aliases.timestamp.or(timestamp_header);
                id_header = aliases.id.or(id_header);
            }
        }
    }
    let signature_value = signature_value.ok_or_else(|| Error::MissingHeader {
        header: signature_header.to_owned(),
    })?;

    let id = match (id_header, &profile.id_header) {
        (Some(name), Some(spec)) if spec.required => Some(required(headers, name)?),
        // An empty optional id is no id, not an id that is the empty string.
        (Some(name), Some(_)) => find_header(headers, name)?.filter(|id| !id.is_empty()),
        _ => None,
    };
    let mut timestamp = match timestamp_header {
        Some(name) => Some(parse_timestamp(name, required(headers, name)?)?),
        None => None,
    };

    let mut asymmetric = Vec::new();
    let signatures = match &profile.signature_format {
        SignatureFormat::Single {
            prefix,
            prefix_required,
        } => {
            let value = match prefix.as_deref() {
                Some(p) => match signature_value.strip_prefix(p.as_bytes()) {
                    Some(rest) => rest,
                    None if *prefix_required => {
                        return Err(Error::malformed(
                            signature_header,
                            format!("expected the signature to start with {p}"),
                        ));
                    }
                    None => signature_value,
                },
                None => signature_value,
            };
            let decoded = decode_signature(profile.encoding, value).ok_or_else(|| {
                Error::malformed(signature_header, describe_encoding(profile.encoding))
            })?;
            vec![decoded]
        }
        SignatureFormat::SpaceList {
            version,
            asymmetric: asymmetric_version,
        } => {
            let mut entries = signature_value
                .split(|b| b.is_ascii_whitespace())
                .filter(|e| !e.is_empty())
                .map(|entry| match entry.iter().position(|&b| b == b',') {
                    Some(comma) => (&entry[..comma], &entry[comma + 1..]),
                    None => (&b""[..], entry),
                });
            // Without Ed25519 support, `v1a` entries are just another version.
            let asymmetric_version = asymmetric_version.filter(|_| cfg!(feature = "ed25519"));
            let versions = Versions {
                version,
                encoding: profile.encoding,
                asymmetric: asymmetric_version.map(|label| (label, &mut asymmetric)),
            };
            collect_versioned(signature_header, &mut entries, versions)?
        }
        SignatureFormat::KeyValue { version } => {
            let mut t: Option<&[u8]> = None;
            let mut entries = Vec::new();
            for item in signature_value.split(|&b| b == b',') {
                let item = item.trim_ascii();
                let Some(eq) = item.iter().position(|&b| b == b'=') else {
                    if item.is_empty() {
                        continue;
                    }
                    return Err(Error::malformed(
                        signature_header,
                        "expected comma-separated key=value items",
                    ));
                };
                let (key, value) = (&item[..eq], &item[eq + 1..]);
                if key == b"t" {
                    if t.is_some_and(|previous| previous != value) {
                        return Err(Error::malformed(
                            signature_header,
                            "has more than one t= timestamp",
                        ));
                    }
                    t = Some(value);
                } else {
                    entries.push((key, value));
                }
            }
            let raw = t.ok_or_else(|| Error::malformed(signature_header, "has no t= timestamp"))?;
            timestamp = Some(parse_timestamp(signature_header, raw)?);
            let versions = Versions {
                version,
                encoding: profile.encoding,
                asymmetric: None,
            };
            collect_versioned(signature_header, &mut entries.into_iter(), versions)?
        }
    };
    Ok(ParsedRequest {
        signature_header,
        timestamp,
        id,
        signatures,
        asymmetric,
    })
}

/// Which entries of a signature list `collect_versioned` keeps.
struct Versions<'v> {
    /// The HMAC signatures' label (`v1`) and encoding.
    version: &'v str,
    encoding: Encoding,
    /// The Ed25519 entries' label (`v1a`) and where their signatures go.
    asymmetric: Option<(&'v str, &'v mut Vec<AsymmetricSignature>)>,
}

/// Keeps the signatures of the supported version. Entries of other versions
/// are ignored (they exist for other verifiers); a supported entry that does
/// not decode is skipped only when another one does. (`dyn`: one copy of
/// this code serves both list formats.)
fn collect_versioned<'a>(
    header: &str,
    entries: &mut dyn Iterator<Item = (&'a [u8], &'a [u8])>,
    versions: Versions<'_>,
) -> Result<Vec<Signature>> {
    let Versions {
        version,
        encoding,
        mut asymmetric,
    } = versions;
    let mut signatures = Vec::new();
    let mut asymmetric_undecodable = 0usize;
    let mut undecodable = 0usize;
    let mut unlabelled = 0usize;
    // Only a few labels are named in the error, so only a few are kept: the
    // duplicate check stays O(1) per entry however many labels an attacker sends.
    let mut other_versions: Vec<&str> = Vec::new();
    for (count, (entry_version, value)) in entries.enumerate() {
        if count == MAX_SIGNATURE_ENTRIES {
            const TOO_MANY: &str = "has more than 64 entries";
            const _: () = assert!(MAX_SIGNATURE_ENTRIES == 64, "TOO_MANY names the cap");
            return Err(Error::malformed(header, TOO_MANY));
        }
        if entry_version == version.as_bytes() {
            match decode_signature(encoding, value) {
                Some(signature) => signatures.push(signature),
                None => undecodable += 1,
            }
        } else if let Some((_, found)) = asymmetric
            .as_mut()
            .filter(|(label, _)| entry_version == label.as_bytes())
        {
            match decode_asymmetric(value) {
                Some(signature) => found.push(signature),
                None => asymmetric_undecodable += 1,
            }
        } else if entry_version.is_empty() {
            unlabelled += 1;
        } else {
            // Version labels are short tokens; anything else is not worth echoing.
            let label = match std::str::from_utf8(entry_version) {
                Ok(label)
                    if label.len() <= 8 && label.bytes().all(|b| b.is_ascii_alphanumeric()) =>
                {
                    label
                }
                _ => "an unrecognised entry",
            };
            if other_versions.len() < NAMED_LABELS && !other_versions.contains(&label) {
                other_versions.push(label);
            }
        }
    }
    let asymmetric_found = asymmetric
        .as_ref()
        .is_some_and(|(_, found)| !found.is_empty());
    if !signatures.is_empty() || asymmetric_found {
        return Ok(signatures);
    }
    if let (Some((label, _)), true) = (&asymmetric, asymmetric_undecodable > 0) {
        return Err(Error::malformed(
            header,
            format!("its {label} signature is not the base64 of 64 bytes (an Ed25519 signature)"),
        ));
    }
    if undecodable > 0 {
        return Err(Error::malformed(
            header,
            format!(
                "its {version} signature is not {}",
                describe_encoding(encoding)
            ),
        ));
    }
    if unlabelled > 0 {
        // A bare token is a broken header, not a signature of another version.
        return Err(Error::malformed(
            header,
            "has an entry without a version label",
        ));
    }
    if other_versions.is_empty() {
        return Err(Error::malformed(header, "contains no signature"));
    }
    Err(Error::NoSupportedSignature {
        header: header.to_owned(),
        found: truncate(&other_versions.join(", "), 60),
    })
}

fn decode_asymmetric(value: &[u8]) -> Option<AsymmetricSignature> {
    decode_base64(value)
}

fn decode_signature(encoding: Encoding, value: &[u8]) -> Option<Signature> {
    match encoding {
        Encoding::Hex => {
            let mut out = [0u8; SIGNATURE_LEN];
            hex::decode_to_slice(value, &mut out).ok()?;
            Some(out)
        }
        Encoding::Base64 => decode_base64(value),
    }
}

/// Base64 of exactly `N` bytes as senders emit it, padding optional (even
/// partial, as the `base64` crate's lenient mode takes it), decoded by
/// `base64ct` (constant time, canonical trailing bits), which also refuses
/// anything longer before decoding it.
fn decode_base64<const N: usize>(text: &[u8]) -> Option<[u8; N]> {
    use base64ct::{Base64Unpadded, Encoding as _};
    // Counted from the end, which is short; a `=` before the padding is not
    // a symbol and fails the decoding.
    let padding = text.iter().rev().take_while(|&&b| b == b'=').count();
    let symbols = text.get(..text.len() - padding)?;
    if padding > 0 && (symbols.len() % 4 == 0 || symbols.len() % 4 + padding > 4) {
        return None;
    }
    let mut out = [0u8; N];
    let len = Base64Unpadded::decode(symbols, &mut out).ok()?.len();
    (len == N).then_some(out)
}

fn describe_encoding(encoding: Encoding) -> &'static str {
    match encoding {
        Encoding::Hex => "64 hexadecimal digits (an HMAC-SHA256)",
        Encoding::Base64 => "the base64 of 32 bytes (an HMAC-SHA256)",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]

        /// The lenient decoding is the `base64` crate's with padding optional.
        #[test]
        fn decodes_base64_like_the_base64_crate(text in "[AQgwB+/=*\n]{0,14}") {
            use base64::Engine;
            const LENIENT: base64::engine::GeneralPurpose = base64::engine::GeneralPurpose::new(
                &base64::alphabet::STANDARD,
                base64::engine::GeneralPurposeConfig::new()
                    .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent),
            );
            let theirs = LENIENT.decode(text.as_bytes()).ok();
            let exactly = |n: usize| theirs.clone().filter(|bytes| bytes.len() == n);
            let text = text.as_bytes();
            prop_assert_eq!(decode_base64::<1>(text).map(|b| b.to_vec()), exactly(1));
            prop_assert_eq!(decode_base64::<2>(text).map(|b| b.to_vec()), exactly(2));
            prop_assert_eq!(decode_base64::<3>(text).map(|b| b.to_vec()), exactly(3));
            prop_assert_eq!(decode_base64::<4>(text).map(|b| b.to_vec()), exactly(4));
            prop_assert_eq!(decode_base64::<8>(text).map(|b| b.to_vec()), exactly(8));
            prop_assert_eq!(decode_base64::<10>(text).map(|b| b.to_vec()), exactly(10));
        }
    }
}
