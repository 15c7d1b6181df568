// SPDX-License-Identifier: GPL-3.0-or-later
// The Event Hook receiver with TLS: a self-signed certificate made here with OpenSSL, a delivery over
// https from a client that trusts exactly that certificate (verification stays on), a client that
// does not trust it, and plain http sent to the TLS port.
#include "core/okta/EventHookReceiver.h"
#include "core/okta/Timestamp.h"
#include "core/store/SqliteEventStore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslConfiguration>
#include <QTemporaryDir>
#include <QTest>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

using namespace vigil;

namespace {

const QByteArray kSecret = "Bearer tls-hook-secret";

struct TlsIdentity
{
    QSslCertificate certificate;
    QSslKey key;
};

QByteArray bioText(BIO* bio)
{
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    QByteArray text(data, qsizetype(size));
    BIO_free(bio);
    return text;
}

bool addExtension(X509* certificate, int nid, const char* value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, certificate, certificate, nullptr, nullptr, 0);
    X509_EXTENSION* extension = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!extension) return false;
    const bool ok = X509_add_ext(certificate, extension, -1) == 1;
    X509_EXTENSION_free(extension);
    return ok;
}

// A self-signed server certificate for 127.0.0.1 and localhost, valid for an hour.
TlsIdentity selfSignedIdentity()
{
    EVP_PKEY* key = EVP_RSA_gen(2048);
    X509* x509 = X509_new();
    bool ok = key && x509;
    if (ok) {
        X509_set_version(x509, 2);
        ASN1_INTEGER_set(X509_get_serialNumber(x509), long(QDateTime::currentSecsSinceEpoch()));
        X509_gmtime_adj(X509_getm_notBefore(x509), -60);
        X509_gmtime_adj(X509_getm_notAfter(x509), 3600);
        X509_set_pubkey(x509, key);
        X509_NAME* name = X509_get_subject_name(x509);
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("Vigil tests"), -1,
                                   -1, 0);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1,
                                   -1, 0);
        X509_set_issuer_name(x509, name);
        ok = addExtension(x509, NID_basic_constraints, "critical,CA:TRUE")
             && addExtension(x509, NID_key_usage, "critical,digitalSignature,keyEncipherment,keyCertSign")
             && addExtension(x509, NID_ext_key_usage, "serverAuth")
             && addExtension(x509, NID_subject_key_identifier, "hash")
             && addExtension(x509, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost")
             && X509_sign(x509, key, EVP_sha256()) > 0;
    }
    TlsIdentity identity;
    if (ok) {
        BIO* certificate = BIO_new(BIO_s_mem());
        BIO* privateKey = BIO_new(BIO_s_mem());
        PEM_write_bio_X509(certificate, x509);
        PEM_write_bio_PrivateKey(privateKey, key, nullptr, nullptr, 0, nullptr, nullptr);
        identity.certificate = QSslCertificate(bioText(certificate), QSsl::Pem);
        identity.key = QSslKey(bioText(privateKey), QSsl::Rsa, QSsl::Pem);
    }
    X509_free(x509);
    EVP_PKEY_free(key);
    return identity;
}

QByteArray delivery(const QString& uuid)
{
    const QJsonObject event{
        {u"uuid"_qs, uuid},
        {u"published"_qs, okta::formatTimestampMs(1767261600000)},
        {u"eventType"_qs, u"user.session.start"_qs},
        {u"actor"_qs, QJsonObject{{u"alternateId"_qs, u"ann@example.com"_qs}, {u"type"_qs, u"User"_qs}}},
        {u"outcome"_qs, QJsonObject{{u"result"_qs, u"SUCCESS"_qs}}},
        {u"client"_qs, QJsonObject{{u"ipAddress"_qs, u"198.51.100.7"_qs}}}};
    return QJsonDocument(QJsonObject{{u"eventType"_qs, u"com.okta.event_hook"_qs},
                                     {u"data"_qs, QJsonObject{{u"events"_qs, QJsonArray{event}}}}})
        .toJson(QJsonDocument::Compact);
}

struct Reply
{
    int status = 0;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorString;
    QByteArray body;
    QSslCertificate peer;
};

} // namespace

class TestEventHookTls : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    TlsIdentity m_identity;
    std::unique_ptr<store::SqliteEventStore> m_store;
    std::unique_ptr<okta::EventHookReceiver> m_receiver;
    QNetworkAccessManager m_network;
    quint16 m_port = 0;

    QUrl url(const QString& scheme) const
    {
        QUrl u;
        u.setScheme(scheme);
        u.setHost(u"127.0.0.1"_qs);
        u.setPort(m_port);
        u.setPath(u"/okta/hooks"_qs);
        return u;
    }

    // Trusts the test certificate and nothing else; peer verification stays on.
    QSslConfiguration trustingConfiguration() const
    {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates({m_identity.certificate});
        tls.setPeerVerifyMode(QSslSocket::VerifyPeer);
        return tls;
    }

    Reply post(const QUrl& target, const QByteArray& body, const std::optional<QSslConfiguration>& tls)
    {
        QNetworkRequest request(target);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("Authorization", kSecret);
        request.setTransferTimeout(5000);
        if (tls) request.setSslConfiguration(*tls);
        QNetworkReply* reply = m_network.post(request, body);
        QSignalSpy done(reply, &QNetworkReply::finished);
        if (!reply->isFinished()) done.wait(10000);
        Reply r{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), reply->error(),
                reply->errorString(), reply->readAll(), reply->sslConfiguration().peerCertificate()};
        reply->deleteLater();
        return r;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QVERIFY2(QSslSocket::supportsSsl(), "no TLS backend");
        m_identity = selfSignedIdentity();
        QVERIFY(!m_identity.certificate.isNull());
        QVERIFY(!m_identity.key.isNull());
        m_store = std::make_unique<store::SqliteEventStore>(m_dir.filePath(u"tls-hooks.sqlite"_qs));
        QString error;
        QVERIFY2(m_store->open(&error), qPrintable(error));
        okta::HookReceiverSettings settings;
        settings.port = 0;
        settings.secret = kSecret;
        settings.certificate = m_identity.certificate;
        settings.privateKey = m_identity.key;
        m_receiver = std::make_unique<okta::EventHookReceiver>(
            settings, [this](const QList<okta::LogEvent>& events) { return m_store->appendBatch(events); });
        QSignalSpy status(m_receiver.get(), &okta::EventHookReceiver::statusMessage);
        m_port = m_receiver->start(&error);
        QVERIFY2(m_port > 0, qPrintable(error));
        QVERIFY(status.size() == 1 && status.first().first().toString().contains(u"https://"));
    }

    void certificateWithoutKeyIsRefused()
    {
        okta::HookReceiverSettings settings;
        settings.port = 0;
        settings.secret = kSecret;
        settings.certificate = m_identity.certificate;
        okta::EventHookReceiver half(settings, [](const QList<okta::LogEvent>&) { return store::AppendResult{}; });
        QString error;
        QCOMPARE(half.start(&error), quint16(0));
        QVERIFY(error.contains(u"private key"));
    }

    void deliveryOverHttpsIsStored()
    {
        const Reply r = post(url(u"https"_qs), delivery(u"tls-1"_qs), trustingConfiguration());
        QVERIFY2(r.error == QNetworkReply::NoError, qPrintable(r.errorString));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.peer, m_identity.certificate);
        QVERIFY(m_store->contains("tls-1"));
        QCOMPARE(m_receiver->counters().deliveries, 1);

        // The verification handshake works over TLS too.
        QNetworkRequest request(url(u"https"_qs));
        request.setSslConfiguration(trustingConfiguration());
        request.setRawHeader("x-okta-verification-challenge", "tls-challenge");
        QNetworkReply* reply = m_network.get(request);
        QSignalSpy done(reply, &QNetworkReply::finished);
        QVERIFY(reply->isFinished() || done.wait(10000));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(QJsonDocument::fromJson(reply->readAll()).object().value(u"verification").toString(),
                 u"tls-challenge"_qs);
        reply->deleteLater();
    }

    void untrustedCertificateIsRefusedByTheClient()
    {
        // Without the test certificate among its trusted ones, a verifying client refuses to talk.
        // (A fresh connection: the manager would otherwise reuse the one already verified.)
        m_network.clearConnectionCache();
        QSslConfiguration strict = QSslConfiguration::defaultConfiguration();
        strict.setPeerVerifyMode(QSslSocket::VerifyPeer);
        const Reply r = post(url(u"https"_qs), delivery(u"tls-untrusted"_qs), strict);
        QCOMPARE(r.error, QNetworkReply::SslHandshakeFailedError);
        QCOMPARE(r.status, 0);
        QVERIFY(!m_store->contains("tls-untrusted"));
    }

    void plainHttpToTheTlsPortFails()
    {
        const qint64 deliveries = m_receiver->counters().deliveries;
        const Reply r = post(url(u"http"_qs), delivery(u"tls-plain"_qs), std::nullopt);
        QVERIFY2(r.error != QNetworkReply::NoError, qPrintable(QString::number(r.status)));
        QVERIFY(r.status != 200);
        QVERIFY(!m_store->contains("tls-plain"));
        QCOMPARE(m_receiver->counters().deliveries, deliveries);

        // The port still serves TLS clients afterwards. (QNetworkAccessManager keys its cached
        // connections by host and port, not by TLS configuration: drop the untrusting one.)
        m_network.clearConnectionCache();
        const Reply again = post(url(u"https"_qs), delivery(u"tls-2"_qs), trustingConfiguration());
        QVERIFY2(again.status == 200, qPrintable(again.errorString));
        QVERIFY(m_store->contains("tls-2"));
    }
};

QTEST_GUILESS_MAIN(TestEventHookTls)
#include "TestEventHookTls.moc"
