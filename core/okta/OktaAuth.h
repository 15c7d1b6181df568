// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

#include <functional>

namespace vigil::okta {

// Supplies the Authorization header for Okta API calls. Asynchronous because an OAuth service app
// first fetches an access token; an SSWS token answers at once.
class OktaAuthenticator
{
public:
    using Done = std::function<void(const QByteArray& authorization, const QString& error)>;
    virtual ~OktaAuthenticator() = default;
    virtual void authorize(Done done) = 0;
    // After a 401: forget a cached access token so the next call fetches a fresh one.
    virtual void invalidate() {}
    // For messages: "API token", "OAuth service app 0oa…".
    virtual QString describe() const = 0;
};

// `Authorization: SSWS <token>`. The token is held in memory only and never printed.
class SswsAuthenticator final : public OktaAuthenticator
{
public:
    explicit SswsAuthenticator(QByteArray token)
        : m_token(std::move(token))
    {
    }
    void authorize(Done done) override { done("SSWS " + m_token, {}); }
    QString describe() const override;

private:
    QByteArray m_token;
};

} // namespace vigil::okta
