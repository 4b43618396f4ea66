//! sprig's encoding and hash functions (strings.go, crypto.go): base64, base32, sha1/sha256/
//! sha512 (hex), adler32, uuidv4.

use base64::Engine as _;
use sha1::Digest as _;

use super::{Reg, s};
use crate::helm::template::value::Val;

pub(crate) fn register(r: &mut Reg) {
    r.add("b64enc", "s", |_, a| Ok(Val::str(base64::engine::general_purpose::STANDARD.encode(s(&a[0])))));
    r.add("b64dec", "s", |_, a| {
        Ok(Val::str(match base64::engine::general_purpose::STANDARD.decode(s(&a[0])) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(e) => format!("illegal base64 data at input byte {}", b64_error_offset(&e, s(&a[0]))),
        }))
    });
    r.add("b32enc", "s", |_, a| Ok(Val::str(base32_encode(s(&a[0]).as_bytes()))));
    r.add("b32dec", "s", |_, a| {
        Ok(Val::str(match base32_decode(s(&a[0])) {
            Ok(b) => String::from_utf8_lossy(&b).into_owned(),
            Err(at) => format!("illegal base32 data at input byte {at}"),
        }))
    });
    r.add("sha1sum", "s", |_, a| Ok(Val::str(hex(&sha1::Sha1::digest(s(&a[0]).as_bytes())))));
    r.add("sha256sum", "s", |_, a| Ok(Val::str(hex(&sha2::Sha256::digest(s(&a[0]).as_bytes())))));
    r.add("sha512sum", "s", |_, a| Ok(Val::str(hex(&sha2::Sha512::digest(s(&a[0]).as_bytes())))));
    r.add("adler32sum", "s", |_, a| Ok(Val::str(adler32(s(&a[0]).as_bytes()).to_string())));
    r.add("uuidv4", "", |_, _| {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&super::strings::random_u64().to_le_bytes());
        b[8..].copy_from_slice(&super::strings::random_u64().to_le_bytes());
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        let h = hex(&b);
        Ok(Val::str(format!("{}-{}-{}-{}-{}", &h[..8], &h[8..12], &h[12..16], &h[16..20], &h[20..])))
    });
}

pub(crate) fn b64_error_offset(e: &base64::DecodeError, input: &str) -> usize {
    match e {
        base64::DecodeError::InvalidByte(at, _) => *at,
        base64::DecodeError::InvalidLastSymbol { offset, .. } => *offset,
        _ => input.len() / 4 * 4,
    }
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for &x in data {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn base32_encode(data: &[u8]) -> String {
    let mut out = String::new();
    for chunk in data.chunks(5) {
        let mut buf = [0u8; 5];
        buf[..chunk.len()].copy_from_slice(chunk);
        let n = u64::from_be_bytes([0, 0, 0, buf[0], buf[1], buf[2], buf[3], buf[4]]);
        let chars = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for i in 0..8 {
            if i < chars {
                out.push(B32[((n >> (35 - i * 5)) & 31) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn base32_decode(s: &str) -> Result<Vec<u8>, usize> {
    let clean: Vec<u8> = s.bytes().filter(|&c| c != b'\n' && c != b'\r').collect();
    if !clean.len().is_multiple_of(8) {
        return Err(clean.len() / 8 * 8);
    }
    let mut out = Vec::new();
    for (ci, chunk) in clean.chunks(8).enumerate() {
        let mut n: u64 = 0;
        let mut count = 0;
        for (i, &c) in chunk.iter().enumerate() {
            if c == b'=' {
                if chunk[i..].iter().any(|&x| x != b'=') {
                    return Err(ci * 8 + i);
                }
                break;
            }
            let v = B32.iter().position(|&x| x == c).ok_or(ci * 8 + i)?;
            n = (n << 5) | v as u64;
            count += 1;
        }
        n <<= 5 * (8 - count);
        let bytes = match count {
            8 => 5,
            7 => 4,
            5 => 3,
            4 => 2,
            2 => 1,
            _ => return Err(ci * 8 + count),
        };
        out.extend_from_slice(&n.to_be_bytes()[3..3 + bytes]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codecs() {
        assert_eq!(base32_encode(b"hello"), "NBSWY3DP");
        assert_eq!(base32_encode(b"hi"), "NBUQ====");
        assert_eq!(base32_decode("NBUQ====").unwrap(), b"hi");
        assert_eq!(adler32(b"Wikipedia"), 300286872);
    }
}
