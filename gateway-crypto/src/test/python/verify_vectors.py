#!/usr/bin/env python3
"""Independent check of the Vaultgate envelope v1 and key-wrap vectors, written from docs/format.md only.

Needs the `cryptography` package. Usage: verify_vectors.py [vectors-dir]
Decrypts every vector, re-encrypts it with the recorded salt and nonces, and compares bytes.
"""
import hashlib, hmac, json, pathlib, struct, sys
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

HEADER_SIZE, OVERHEAD = 236, 28

def hkdf_extract(salt, ikm):
    return hmac.new(salt, ikm, hashlib.sha256).digest()

def hkdf_expand(prk, info, n):
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(prk, t + info + bytes([i]), hashlib.sha256).digest()
        out, i = out + t, i + 1
    return out[:n]

def info(label, tenant, file):
    return (b"vaultgate/envelope/v1/" + label + b"\x00" + bytes([len(tenant)]) + tenant
            + bytes([len(file)]) + file)

def keys(dek, salt, tenant, file):
    prk = hkdf_extract(salt, dek)
    return tuple(hkdf_expand(prk, info(l, tenant, file), 32)
                 for l in (b"payload-key", b"header-mac-key", b"key-commitment"))

def id_field(s):
    return bytes([len(s)]) + s + b"\x00" * (64 - len(s))

def header(seg, tenant, file, salt, commitment, mac_key):
    prefix = (b"VGEF" + bytes([1, 1]) + struct.pack(">I", seg) + id_field(tenant) + id_field(file)
              + salt + commitment)
    return prefix + hmac.new(mac_key, prefix, hashlib.sha256).digest()

def ad(file, index, final):
    return bytes([len(file)]) + file + struct.pack(">Q", index) + bytes([final])

def encrypt(v):
    dek, salt = bytes.fromhex(v["dek"]), bytes.fromhex(v["salt"])
    tenant, file, seg = v["tenant_id"].encode(), v["file_id"].encode(), v["segment_size"]
    payload, mac_key, commitment = keys(dek, salt, tenant, file)
    plain = bytes.fromhex(v["plaintext"])
    chunks = [plain[i:i + seg] for i in range(0, len(plain), seg)] or [b""]
    out = header(seg, tenant, file, salt, commitment, mac_key)
    for i, (chunk, nonce) in enumerate(zip(chunks, v["nonces"])):
        nonce = bytes.fromhex(nonce)
        out += nonce + AESGCM(payload).encrypt(nonce, chunk, ad(file, i, i == len(chunks) - 1))
    return out

def decrypt(v):
    env = bytes.fromhex(v["envelope"])
    dek, tenant, file = bytes.fromhex(v["dek"]), v["tenant_id"].encode(), v["file_id"].encode()
    h = env[:HEADER_SIZE]
    assert h[:4] == b"VGEF" and h[4] == 1 and h[5] == 1
    seg = struct.unpack(">I", h[6:10])[0]
    salt, commitment, mac = h[140:172], h[172:204], h[204:236]
    payload, mac_key, want_commitment = keys(dek, salt, tenant, file)
    assert hmac.compare_digest(commitment, want_commitment)
    assert hmac.compare_digest(mac, hmac.new(mac_key, h[:204], hashlib.sha256).digest())
    body, stride, plain, i = env[HEADER_SIZE:], seg + OVERHEAD, b"", 0
    while body:
        s, body = body[:stride], body[stride:]
        plain += AESGCM(payload).decrypt(s[:12], s[12:], ad(file, i, not body))
        i += 1
    return plain

def check_key_wrap(v):
    tenant, file = v["tenant_id"].encode(), v["file_id"].encode()
    provider = v["provider"].encode()
    aad = (b"vaultgate/kek-wrap/v1\x00" + bytes([len(provider)]) + provider
           + bytes([len(tenant)]) + tenant + bytes([len(file)]) + file
           + struct.pack(">I", v["kek_version"]))
    assert aad.hex() == v["aad"], "key-wrap: associated data differs"
    kek, nonce, wrapped = (bytes.fromhex(v[k]) for k in ("kek", "nonce", "wrapped"))
    assert wrapped[:12] == nonce
    assert AESGCM(kek).decrypt(nonce, wrapped[12:], aad).hex() == v["dek"]
    assert (nonce + AESGCM(kek).encrypt(nonce, bytes.fromhex(v["dek"]), aad)) == wrapped

def main():
    d = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src/test/resources/vectors")
    files = sorted(d.glob("*.json"))
    assert files, f"no vectors in {d}"
    for f in files:
        v = json.loads(f.read_text())
        if v.get("name") == "key-wrap":
            check_key_wrap(v)
            print(f"ok {f.name}")
            continue
        if "envelope" not in v:
            # seal.json: a sealed data key, not an envelope; verify_seal_vector.py checks it
            print(f"skip {f.name} (not an envelope vector)")
            continue
        assert decrypt(v) == bytes.fromhex(v["plaintext"]), f"{f.name}: plaintext differs"
        assert encrypt(v).hex() == v["envelope"], f"{f.name}: re-encryption differs"
        print(f"ok {f.name}")

if __name__ == "__main__":
    main()
