"""DKIM helpers for tests/proof.rs, with the `cryptography` package and dkimpy.

    dkim_tool.py keygen KEY_PEM          writes an RSA-2048 key (PKCS#8), prints the DNS
                                          TXT record of its public key
    dkim_tool.py verify EML RECORD       verifies the message's DKIM-Signature with that
                                          record as the selector's DNS answer; prints PASS
                                          or FAIL
"""

import base64
import sys

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

if sys.argv[1] == "keygen":
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    with open(sys.argv[2], "wb") as f:
        f.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    print("v=DKIM1; k=rsa; p=" + base64.b64encode(public).decode())
else:
    message = open(sys.argv[2], "rb").read()
    record = sys.argv[3].encode()
    ok = dkim.verify(message, dnsfunc=lambda name, timeout=5: record)
    print("PASS" if ok else "FAIL")
