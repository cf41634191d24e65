//! The comparison: every key's MAC (or Ed25519 check) against every received
//! signature, in constant time, and what matched.

use super::request::{ParsedRequest, SIGNATURE_LEN, Signature};
use crate::scheme::{MessagePart, Profile};
use crate::secret::{HmacSha256, VerifyKey};
use hmac::Mac;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};

/// What a verified request is remembered by (before hashing).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Material<'a> {
    /// The id, where the scheme signs it.
    SignedId(&'a [u8]),
    /// The signature that matched, decoded.
    Signature(&'a [u8]),
}

/// The key that verified a request, and the signature bytes that matched
/// (a MAC's 32, or an Ed25519 signature's 64).
pub(crate) struct Match {
    pub index: usize,
    signature: [u8; 64],
    signature_len: u8,
}

impl Match {
    pub fn signature(&self) -> &[u8] {
        &self.signature[..usize::from(self.signature_len)]
    }
}

impl ParsedRequest<'_> {
    /// The index of the first key whose MAC of `body` equals a received
    /// signature. Every key's MAC is computed and compared with every
    /// candidate, in constant time, and the index is selected without a
    /// branch, so the time taken says nothing about which key (or which
    /// candidate, or how much of one) matched: only whether one did.
    ///
    /// Ed25519 keys check `v1a` entries (public data: no secret to time);
    /// the signed message is put together once, for them only.
    pub fn matching_key(
        &self,
        profile: &Profile,
        keys: &[VerifyKey],
        body: &[u8],
    ) -> Option<usize> {
        self.matching_signature(profile, keys, body)
            .map(|m| m.index)
    }

    /// [`matching_key`](Self::matching_key), with the signature that
    /// matched (the MAC, or the Ed25519 signature), selected the same way:
    /// what a replay guard remembers of a request whose scheme signs no id.
    pub fn matching_signature(
        &self,
        profile: &Profile,
        keys: &[VerifyKey],
        body: &[u8],
    ) -> Option<Match> {
        let mut found = Choice::from(0);
        let mut index = 0u64;
        let mut signature = [0u8; 64];
        let mut signature_len = 0u8;
        #[cfg(feature = "ed25519")]
        let mut message: Option<Vec<u8>> = None;
        for (i, key) in keys.iter().enumerate() {
            let (matched, candidate, len) = match key {
                VerifyKey::Hmac(key) => {
                    let (matched, expected) = self.hmac_match(profile, key.clone(), body);
                    let mut padded = [0u8; 64];
                    padded[..SIGNATURE_LEN].copy_from_slice(&expected);
                    (matched, padded, SIGNATURE_LEN as u8)
                }
                #[cfg(feature = "ed25519")]
                VerifyKey::Ed25519(key) => {
                    let message = message.get_or_insert_with(|| {
                        let mut m = Vec::new();
                        self.message_parts(profile, body, &mut |part| m.extend_from_slice(part));
                        m
                    });
                    let verified = self
                        .asymmetric
                        .iter()
                        .find(|signature| crate::ed25519::verifies(key, message, signature));
                    (
                        Choice::from(u8::from(verified.is_some())),
                        verified.copied().unwrap_or([0; 64]),
                        64,
                    )
                }
            };
            let take = matched & !found;
            index.conditional_assign(&(i as u64), take);
            signature_len.conditional_assign(&len, take);
            for (kept, byte) in signature.iter_mut().zip(candidate) {
                kept.conditional_assign(&byte, take);
            }
            found |= matched;
        }
        // Whether some key matched is the public outcome of `verify`; only it is branched on.
        bool::from(found).then_some(Match {
            index: index as usize,
            signature,
            signature_len,
        })
    }

    /// True when the MAC of `body` under `key` equals any received signature
    /// (compared in constant time, every candidate).
    pub fn matches(&self, profile: &Profile, key: HmacSha256, body: &[u8]) -> bool {
        self.hmac_match(profile, key, body).0.into()
    }

    /// Whether the MAC of `body` under `key` equals any received signature,
    /// every candidate compared in constant time, and that MAC.
    fn hmac_match(&self, profile: &Profile, key: HmacSha256, body: &[u8]) -> (Choice, Signature) {
        let expected = self.mac(profile, key, body);
        let mut found = Choice::from(0);
        for candidate in &self.signatures {
            found |= candidate.ct_eq(&expected);
        }
        (found, expected)
    }

    pub fn mac(&self, profile: &Profile, mut key: HmacSha256, body: &[u8]) -> Signature {
        self.message_parts(profile, body, &mut |part| key.update(part));
        key.finalize().into_bytes().into()
    }

    /// Hands the signed message to `sink` part by part, in order.
    pub fn message_parts(&self, profile: &Profile, body: &[u8], sink: &mut dyn FnMut(&[u8])) {
        for part in &profile.message {
            sink(match part {
                MessagePart::Literal(bytes) => bytes,
                MessagePart::Id => self.id.unwrap_or_default(),
                MessagePart::Timestamp => self.timestamp.map(|t| t.raw).unwrap_or_default(),
                MessagePart::Body => body,
            });
        }
    }
}
