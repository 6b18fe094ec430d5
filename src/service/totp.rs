//! Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits), the
//! optional second factor of admin and Secretariat accounts. Any authenticator app reads the
//! `otpauth://` URI that enabling it prints.

use hmac::{Hmac, Mac};
use sha1::Sha1;

const STEP_SECONDS: i64 = 30;
const DIGITS: u32 = 6;
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding (what authenticator apps expect).
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Decodes base32 (case-insensitive, padding and spaces ignored); `None` if not base32.
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars().filter(|c| *c != '=' && !c.is_whitespace()) {
        let value = BASE32
            .iter()
            .position(|&b| char::from(b) == c.to_ascii_uppercase())?;
        buffer = (buffer << 5) | u32::try_from(value).ok()?;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

/// The code for `secret` at Unix time `unix_seconds`.
pub fn code_at(secret: &[u8], unix_seconds: i64) -> Option<u32> {
    let counter = unix_seconds.div_euclid(STEP_SECONDS);
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).ok()?;
    mac.update(&counter.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest.get(19)? & 0x0f);
    let slice = digest.get(offset..offset + 4)?;
    let binary = u32::from_be_bytes([slice[0] & 0x7f, slice[1], slice[2], slice[3]]);
    Some(binary % 10u32.pow(DIGITS))
}

/// Whether `code` is right for `secret_base32` at `unix_seconds`, one step either side
/// allowed for clock drift.
pub fn verify(secret_base32: &str, code: &str, unix_seconds: i64) -> bool {
    let code = code.trim();
    let Some(secret) = base32_decode(secret_base32) else {
        return false;
    };
    if code.len() != DIGITS as usize || !code.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let Ok(given) = code.parse::<u32>() else {
        return false;
    };
    (-1..=1).any(|step| code_at(&secret, unix_seconds + step * STEP_SECONDS) == Some(given))
}

/// The URI an authenticator app reads (as text or as a QR code).
pub fn otpauth_uri(account: &str, secret_base32: &str) -> String {
    let label: String = url::form_urlencoded::byte_serialize(account.as_bytes()).collect();
    format!(
        "otpauth://totp/blueprint-tracker:{label}?secret={secret_base32}&issuer=blueprint-tracker&algorithm=SHA1&digits=6&period=30"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc_6238_test_vectors_for_sha1() {
        // RFC 6238, appendix B: the secret is "12345678901234567890", 8 digits there; the
        // last 6 digits are what a 6-digit code gives.
        let secret = b"12345678901234567890";
        for (t, expected) in [
            (59, 94_287_082u32),
            (1_111_111_109, 7_081_804),
            (1_111_111_111, 14_050_471),
            (1_234_567_890, 89_005_924),
            (2_000_000_000, 69_279_037),
            (20_000_000_000, 65_353_130),
        ] {
            assert_eq!(code_at(secret, t), Some(expected % 1_000_000), "t={t}");
        }
    }

    #[test]
    fn base32_round_trips_and_verification_allows_one_step_of_drift() {
        let secret = b"12345678901234567890";
        let text = base32_encode(secret);
        assert_eq!(text, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(base32_decode(&text).unwrap(), secret);
        assert!(verify(&text, "287082", 59));
        assert!(verify(&text, "287082", 59 + 30));
        assert!(!verify(&text, "287082", 59 + 90));
        assert!(!verify(&text, "28708", 59));
        assert!(!verify(&text, "abcdef", 59));
    }
}
