// Hand-written beside the generated Hooksig.swift: what uniffi cannot express.

extension HooksigError {
    /// The stable machine-readable code of this failure (`"signature_mismatch"`,
    /// `"invalid_secret"`, ...), the same string in every hooksig binding.
    ///
    ///     do {
    ///         let verified = try verifier.verify(headers: headers, body: body)
    ///     } catch let error as HooksigError {
    ///         logger.warning("webhook rejected: \(error.code)")
    ///     }
    public var code: String {
        // Exhaustive over the generated enum, so a new variant fails to compile here.
        switch self {
        case .InvalidSecret: return "invalid_secret"
        case .MissingHeader: return "missing_header"
        case .MalformedHeader: return "malformed_header"
        case .TimestampTooOld: return "timestamp_too_old"
        case .TimestampInFuture: return "timestamp_in_future"
        case .NoSupportedSignature: return "no_supported_signature"
        case .SignatureMismatch: return "signature_mismatch"
        case .InvalidBody: return "invalid_body"
        case .InvalidPattern: return "invalid_pattern"
        case .DecryptionFailed: return "decryption_failed"
        case .InvalidScheme: return "invalid_scheme"
        case .Replayed: return "replayed"
        case .ReplayStoreUnavailable: return "replay_store_unavailable"
        }
    }
}
