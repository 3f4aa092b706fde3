//! HMAC-SHA-256 (RFC 2104) over `sha2`, for entry names that cannot be recomputed by someone
//! who can list the cache folder but not read its key.

use sha2::{Digest, Sha256};

const BLOCK: usize = 64;

/// The lowercase hex HMAC-SHA-256 of `parts` (joined by NUL bytes) under `key`.
pub(crate) fn hmac_hex(key: &[u8], parts: &[&[u8]]) -> String {
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            inner.update([0]);
        }
        inner.update(part);
    }
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    hex(&outer.finalize())
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 4231, test cases 1, 2 and 6 (a key longer than the block).
    #[test]
    fn matches_the_rfc_4231_vectors() {
        assert_eq!(
            hmac_hex(&[0x0b; 20], &[b"Hi There"]),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        assert_eq!(
            hmac_hex(b"Jefe", &[b"what do ya want for nothing?"]),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hmac_hex(
                &[0xaa; 131],
                &[b"Test Using Larger Than Block-Size Key - Hash Key First"]
            ),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }
}
