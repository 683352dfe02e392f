#!/usr/bin/env python3
"""Independent check of the sealed-forwarding vector (docs/format.md, "Sealed data key"), written from
the documentation alone with the `cryptography` package.

    python3 verify_seal_vector.py gateway-crypto/src/test/resources/vectors/seal.json        # verify
    python3 verify_seal_vector.py --write gateway-crypto/src/test/resources/vectors/seal.json # regenerate
"""
import json
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

RAW = dict(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)


def prefixed(text):
    data = text.encode("ascii")
    return bytes([len(data)]) + data


def seal(v):
    site = X25519PrivateKey.from_private_bytes(bytes.fromhex(v["site_private"]))
    eph = X25519PrivateKey.from_private_bytes(bytes.fromhex(v["ephemeral_private"]))
    site_pub = site.public_key().public_bytes(**RAW)
    eph_pub = eph.public_key().public_bytes(**RAW)
    shared = eph.exchange(site.public_key())
    info = (b"vaultgate/sealed-forward/v1\x00" + prefixed(v["tenant_id"]) + prefixed(v["file_id"])
            + prefixed(v["site_id"]))
    kek = HKDF(algorithm=hashes.SHA256(), length=32, salt=eph_pub + site_pub, info=info).derive(shared)
    wrapped = AESGCM(kek).encrypt(bytes(12), bytes.fromhex(v["dek"]), info)
    return dict(site_public=site_pub.hex(), ephemeral_public=eph_pub.hex(), shared=shared.hex(), info=info.hex(),
                kek=kek.hex(), sealed=(bytes([1]) + eph_pub + wrapped).hex())


def main():
    write = sys.argv[1] == "--write"
    path = sys.argv[-1]
    if write:
        v = {
            "name": "seal",
            "description": "A DEK sealed to a site's X25519 key for sealed forwarding (docs/format.md, sealed data key).",
            "tenant_id": "acme",
            "file_id": "f_2f66a5cc4a4990926d0404c95f88eca7",
            "site_id": "manila",
            "site_private": bytes(range(0x40, 0x60)).hex(),
            "ephemeral_private": bytes(range(0x80, 0xa0)).hex(),
            "dek": bytes(range(0xa0, 0xc0)).hex(),
        }
        v.update(seal(v))
        with open(path, "w") as out:
            json.dump(v, out, indent=2)
            out.write("\n")
        return
    with open(path) as f:
        v = json.load(f)
    derived = seal(v)
    for key, value in derived.items():
        if v[key] != value:
            sys.exit(f"{path}: {key} differs: vector {v[key]}, computed {value}")
    print(f"{path}: ok")


if __name__ == "__main__":
    main()
