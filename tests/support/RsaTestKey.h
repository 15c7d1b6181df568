// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

namespace vigil::test {

// A fresh RSA key pair in PEM, for OAuth service-app tests (the private key signs the client assertion,
// the simulated Okta checks it with the public one). Tests link OpenSSL::Crypto.
struct RsaKeyPair
{
    QByteArray privatePem, publicPem;
};

inline QByteArray takeBioText(BIO* bio)
{
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    QByteArray text(data, qsizetype(size));
    BIO_free(bio);
    return text;
}

inline RsaKeyPair generateRsaKey()
{
    EVP_PKEY* key = EVP_RSA_gen(2048);
    if (!key) return {};
    BIO* priv = BIO_new(BIO_s_mem());
    BIO* pub = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr);
    PEM_write_bio_PUBKEY(pub, key);
    EVP_PKEY_free(key);
    return {takeBioText(priv), takeBioText(pub)};
}

} // namespace vigil::test
