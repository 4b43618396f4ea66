//! sprig's crypto functions as Helm ships them (sprig v3.3.0's crypto.go): private keys, the
//! certificate generators (`genCA`, `genSignedCert`, ...) and `buildCustomCert`, which return
//! sprig's `certificate` struct (fields `.Cert` and `.Key`, PEM text), `derivePassword`
//! (Master Password: scrypt, then an HMAC-SHA256 seed picking template characters), `bcrypt`,
//! `htpasswd`, `encryptAES`/`decryptAES` (AES-256-CBC, random IV first, base64) and
//! `randBytes`.
//!
//! Keys, PEM and certificate building are in certs.rs.
//!
//! Randomness comes from the operating system (getrandom), as Go's crypto/rand: the keys are
//! real keys (`paved render` prints them). Rendered random text never reaches a finding's
//! fingerprint, which hashes the chart's source lines (src/report/fingerprint.rs).
//! Gaps, each an explicit error: DSA keys (`genPrivateKey "dsa"`: no maintained crate
//! generates DSA parameters in reasonable time) and EC keys on curves other than P-256.

use base64::Engine as _;
use getrandom::SysRng;
use getrandom::rand_core::UnwrapErr;
use hmac::{KeyInit, Mac};
use sha2::Sha256;

use super::certs::{b64_decode, build_custom_cert, certificate, gen_ca, gen_private_key, gen_self_signed, gen_signed};
use super::{FnError, FnResult, Reg, check_size, err, int, s};
use crate::helm::template::exec::Exec;
use crate::helm::template::value::Val;

/// The Go type of what the certificate functions return.
pub(crate) const CERTIFICATE_TYPE: &str = "sprig.certificate";

/// What each slow function costs against [`Limits::max_crypto_work`](crate::helm::template::Limits).
const RSA_2048_WORK: u64 = 5;
const RSA_4096_WORK: u64 = 70;
const SCRYPT_WORK: u64 = 30;
const BCRYPT_WORK: u64 = 15;

pub(crate) fn register(r: &mut Reg) {
    r.add("genPrivateKey", "s", |ex, a| {
        if s(&a[0]) == "dsa" {
            // Helm makes a DSA key; rendering on with anything else would lint a chart Helm
            // never renders, so this is a render error naming what paved lacks.
            return Err(FnError::Msg(
                crate::helm::template::ErrorKind::UnknownFunction,
                "genPrivateKey \"dsa\" is not supported by paved's template engine (no crate generates DSA keys in \
                 reasonable time)"
                    .into(),
            ));
        }
        spend(ex, if matches!(s(&a[0]), "" | "rsa") { RSA_4096_WORK } else { 1 })?;
        Ok(Val::str(gen_private_key(s(&a[0]))))
    });
    r.add("genCA", "si", |ex, a| {
        spend(ex, RSA_2048_WORK)?;
        certificate(gen_ca(s(&a[0]), int(&a[1]), None))
    });
    r.add("genCAWithKey", "sis", |ex, a| {
        spend(ex, 1)?;
        certificate(gen_ca(s(&a[0]), int(&a[1]), Some(s(&a[2]))))
    });
    r.add("genSelfSignedCert", "slli", |ex, a| {
        spend(ex, RSA_2048_WORK)?;
        certificate(gen_self_signed(&a, None))
    });
    r.add("genSelfSignedCertWithKey", "sllis", |ex, a| {
        spend(ex, 1)?;
        certificate(gen_self_signed(&a, Some(s(&a[4]))))
    });
    r.add("genSignedCert", "sllic", |ex, a| {
        spend(ex, RSA_2048_WORK)?;
        certificate(gen_signed(&a, None))
    });
    r.add("genSignedCertWithKey", "sllics", |ex, a| {
        spend(ex, 1)?;
        certificate(gen_signed(&a, Some(s(&a[5]))))
    });
    r.add("buildCustomCert", "ss", |ex, a| {
        spend(ex, 1)?;
        certificate(build_custom_cert(s(&a[0]), s(&a[1])))
    });
    r.add("derivePassword", "ussss", |ex, a| {
        spend(ex, SCRYPT_WORK)?;
        Ok(Val::str(derive_password(int(&a[0]) as u32, s(&a[1]), s(&a[2]), s(&a[3]), s(&a[4]))))
    });
    r.add("bcrypt", "s", |ex, a| {
        spend(ex, BCRYPT_WORK)?;
        Ok(Val::str(bcrypt_hash(s(&a[0]))))
    });
    r.add("htpasswd", "ss", |ex, a| {
        spend(ex, BCRYPT_WORK)?;
        Ok(Val::str(htpasswd(s(&a[0]), s(&a[1]))))
    });
    r.add("encryptAES", "ss", |_, a| Ok(Val::str(encrypt_aes(s(&a[0]), s(&a[1])))));
    r.add("decryptAES", "ss", |_, a| decrypt_aes(s(&a[0]), s(&a[1])).map(Val::str).or_else(err));
    r.add("randBytes", "i", rand_bytes);
}

/// Whether this render is a reproducible one (`paved lint` seeds the template functions'
/// randomness): slow crypto may then take shortcuts that change no result a rule reads.
pub(super) fn lint_render() -> bool {
    super::seed_state().is_some()
}

/// Counts `units` of slow work against the render's limit: a chart that generates keys in a
/// loop fails instead of keeping a lint run busy for hours.
fn spend(ex: &mut Exec, units: u64) -> Result<(), FnError> {
    ex.crypto_work = ex.crypto_work.saturating_add(units);
    if ex.crypto_work > ex.limits.max_crypto_work {
        return Err(FnError::Msg(
            crate::helm::template::ErrorKind::Limit,
            format!(
                "key generations and password hashes exceed the engine's limit of {} work units",
                ex.limits.max_crypto_work
            ),
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Randomness

/// The operating system's random number generator.
pub(super) fn rng() -> UnwrapErr<SysRng> {
    UnwrapErr(SysRng)
}

pub(super) fn random<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    getrandom::fill(&mut b).expect("the operating system's random number generator");
    b
}

fn rand_bytes(ex: &mut Exec, a: Vec<Val>) -> FnResult {
    let n = int(&a[0]);
    if n < 0 {
        return err("runtime error: makeslice: len out of range");
    }
    check_size(ex, n as u64)?;
    let mut b = vec![0u8; n as usize];
    getrandom::fill(&mut b).expect("the operating system's random number generator");
    Ok(Val::str(base64::engine::general_purpose::STANDARD.encode(b)))
}

// ---------------------------------------------------------------------------------------------
// Passwords and AES

const MASTER_PASSWORD_SEED: &[u8] = b"com.lyndir.masterpassword";

fn password_templates(typ: &str) -> Option<&'static [&'static str]> {
    Some(match typ {
        "maximum" => &["anoxxxxxxxxxxxxxxxxx", "axxxxxxxxxxxxxxxxxno"],
        "long" => &[
            "CvcvnoCvcvCvcv",
            "CvcvCvcvnoCvcv",
            "CvcvCvcvCvcvno",
            "CvccnoCvcvCvcv",
            "CvccCvcvnoCvcv",
            "CvccCvcvCvcvno",
            "CvcvnoCvccCvcv",
            "CvcvCvccnoCvcv",
            "CvcvCvccCvcvno",
            "CvcvnoCvcvCvcc",
            "CvcvCvcvnoCvcc",
            "CvcvCvcvCvccno",
            "CvccnoCvccCvcv",
            "CvccCvccnoCvcv",
            "CvccCvccCvcvno",
            "CvcvnoCvccCvcc",
            "CvcvCvccnoCvcc",
            "CvcvCvccCvccno",
            "CvccnoCvcvCvcc",
            "CvccCvcvnoCvcc",
            "CvccCvcvCvccno",
        ],
        "medium" => &["CvcnoCvc", "CvcCvcno"],
        "short" => &["Cvcn"],
        "basic" => &["aaanaaan", "aannaaan", "aaannaaa"],
        "pin" => &["nnnn"],
        _ => return None,
    })
}

fn template_characters(class: u8) -> &'static [u8] {
    match class {
        b'V' => b"AEIOU",
        b'C' => b"BCDFGHJKLMNPQRSTVWXYZ",
        b'v' => b"aeiou",
        b'c' => b"bcdfghjklmnpqrstvwxyz",
        b'A' => b"AEIOUBCDFGHJKLMNPQRSTVWXYZ",
        b'a' => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz",
        b'n' => b"0123456789",
        b'o' => b"@&%?,=[]_:-+*$#!'^~;()/.",
        _ => b"AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()",
    }
}

/// sprig's derivePassword (the Master Password algorithm): the key is scrypt(password,
/// seed ‖ len(user) ‖ user, N=32768, r=8, p=2, 64 bytes); HMAC-SHA256 of seed ‖ len(site) ‖
/// site ‖ counter picks the template (its first byte) and each character (the next ones).
fn derive_password(counter: u32, typ: &str, password: &str, user: &str, site: &str) -> String {
    let Some(templates) = password_templates(typ) else { return format!("cannot find password template {typ}") };
    let mut salt = MASTER_PASSWORD_SEED.to_vec();
    salt.extend_from_slice(&(user.len() as u32).to_be_bytes());
    salt.extend_from_slice(user.as_bytes());
    let mut key = [0u8; 64];
    let params = scrypt::Params::new(15, 8, 2).expect("valid scrypt parameters");
    if let Err(e) = scrypt::scrypt(password.as_bytes(), &salt, &params, &mut key) {
        return format!("failed to derive password: {e}");
    }
    let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key length");
    mac.update(MASTER_PASSWORD_SEED);
    mac.update(&(site.len() as u32).to_be_bytes());
    mac.update(site.as_bytes());
    mac.update(&counter.to_be_bytes());
    let seed = mac.finalize().into_bytes();
    let template = templates[usize::from(seed[0]) % templates.len()];
    template
        .bytes()
        .enumerate()
        .map(|(i, class)| {
            let chars = template_characters(class);
            char::from(chars[usize::from(seed[i + 1]) % chars.len()])
        })
        .collect()
}

/// sprig's bcrypt: Go's bcrypt.GenerateFromPassword at DefaultCost (10), `$2a$` hashes; the
/// error as the text when the password is longer than bcrypt's 72 bytes.
fn bcrypt_hash(password: &str) -> String {
    if password.len() > 72 {
        return "failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes".into();
    }
    // A reproducible render (`paved lint`) hashes at bcrypt's minimum cost: the hash is as real,
    // nothing a rule checks depends on its cost, and cost 10 is ~60 ms a call.
    let cost = if lint_render() { 4 } else { 10 };
    match bcrypt::hash_with_salt(password, cost, random::<16>()) {
        Ok(h) => h.format_for_version(bcrypt::Version::TwoA),
        Err(e) => format!("failed to encrypt string with bcrypt: {e}"),
    }
}

fn htpasswd(user: &str, password: &str) -> String {
    if user.contains(':') {
        return format!("invalid username: {user}");
    }
    format!("{user}:{}", bcrypt_hash(password))
}

/// sprig's AES key: the password's bytes, zero-padded or cut to 32 (AES-256).
fn aes_key(password: &str) -> [u8; 32] {
    let mut key = [0u8; 32];
    let n = password.len().min(32);
    key[..n].copy_from_slice(&password.as_bytes()[..n]);
    key
}

/// AES-256-CBC over whole blocks.
fn cbc_encrypt(key: &[u8; 32], iv: [u8; 16], data: &[u8]) -> Vec<u8> {
    use aes::cipher::{BlockCipherEncrypt, KeyInit};
    let cipher = aes::Aes256::new(key.into());
    let mut prev = iv;
    let mut out = Vec::with_capacity(data.len());
    for block in data.chunks(16) {
        let mut b: aes::Block = std::array::from_fn(|i| block[i] ^ prev[i]).into();
        cipher.encrypt_block(&mut b);
        prev = b.into();
        out.extend_from_slice(&prev);
    }
    out
}

/// The reverse of [`cbc_encrypt`].
fn cbc_decrypt(key: &[u8; 32], iv: [u8; 16], data: &[u8]) -> Vec<u8> {
    use aes::cipher::{BlockCipherDecrypt, KeyInit};
    let cipher = aes::Aes256::new(key.into());
    let mut prev = iv;
    let mut out = Vec::with_capacity(data.len());
    for block in data.chunks(16) {
        let mut b: aes::Block = <[u8; 16]>::try_from(block).expect("whole blocks").into();
        cipher.decrypt_block(&mut b);
        out.extend(b.iter().zip(prev.iter()).map(|(x, p)| x ^ p));
        prev = block.try_into().expect("whole blocks");
    }
    out
}

/// sprig's encryptAES: PKCS#7 padding, a random IV, AES-256-CBC, base64 of IV ‖ ciphertext.
fn encrypt_aes(password: &str, plaintext: &str) -> String {
    if plaintext.is_empty() {
        return String::new();
    }
    let mut content = plaintext.as_bytes().to_vec();
    let padding = 16 - content.len() % 16;
    content.extend(std::iter::repeat_n(padding as u8, padding));
    let iv = random::<16>();
    let mut out = iv.to_vec();
    out.extend(cbc_encrypt(&aes_key(password), iv, &content));
    base64::engine::general_purpose::STANDARD.encode(out)
}

/// sprig's decryptAES: the reverse, with no padding check (a wrong key gives garbage text, or
/// the runtime error Go's slicing panics with, as Helm reports it).
fn decrypt_aes(password: &str, text: &str) -> Result<String, String> {
    if text.is_empty() {
        return Ok(String::new());
    }
    let crypt = b64_decode(text)
        .map_err(|e| format!("illegal base64 data at input byte {}", super::encoding::b64_error_offset(&e, text)))?;
    if crypt.len() < 16 {
        // The decoded slice's capacity is what Go's DecodedLen allots.
        let cap = text.chars().filter(|&c| c != '\n' && c != '\r').count() / 4 * 3;
        return Err(format!("runtime error: slice bounds out of range [:16] with capacity {cap}"));
    }
    let (iv, body) = crypt.split_at(16);
    if body.len() % 16 != 0 {
        return Err("crypto/cipher: input not full blocks".into());
    }
    let plain = cbc_decrypt(&aes_key(password), iv.try_into().expect("16 bytes"), body);
    let Some(&last) = plain.last() else { return Err("runtime error: index out of range [-1]".into()) };
    let end = plain.len() as i64 - i64::from(last);
    if end < 0 {
        return Err(format!("runtime error: slice bounds out of range [:{end}]"));
    }
    Ok(String::from_utf8_lossy(&plain[..end as usize]).into_owned())
}

#[cfg(test)]
#[path = "crypto_tests.rs"]
mod tests;
