// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <array>
#include <vector>

namespace vigil::risk {

// Asks for the cache line holding `address` without waiting for it (a hint: nothing on compilers without one).
inline void prefetchLine(const void* address)
{
#if defined(__GNUC__) || defined(__clang__)
    __builtin_prefetch(address);
#else
    (void)address;
#endif
}

// How a session (externalSessionId or dtHash) began: later use from elsewhere is a hijack sign.
// Compact, because there is one per live Okta session (a busy org has hundreds of thousands a day):
// hashes for comparing, the origin's address as bytes and its browser as an index, for the finding's words.
struct SessionOrigin
{
    quint64 userHash = 0;
    qint64 atMs = 0;
    quint64 ipHash = 0;
    std::array<quint8, 16> address{}; // IPv4 in the first four bytes, or IPv6
    quint32 asn = 0;
    quint8 addressKind = 0; // 4, 6, or 0 when the text was not an IP address
    bool hasAsn = false;
    bool flagged = false;
    quint8 browser = 0; // index into the engine's browser names; 0 when unknown
};

// Session origins by a 64-bit hash of the session id, forgetting each one `lifetimeMs` of event time after
// it began (Okta sessions live at most a day by default).
//
// Open addressing in one flat array, instead of a QHash with a queue of insertion times beside it: a
// lookup probes neighbouring slots of one array where the hash table read a bucket and then a node
// elsewhere, and nothing but the slot is stored per session (56 bytes where it took ~100). Expired
// origins are dropped when the table would otherwise grow, so memory follows the live sessions.
class SessionTable
{
public:
    explicit SessionTable(qint64 lifetimeMs)
        : m_lifetimeMs(lifetimeMs)
    {
    }

    // The live origin of session `key` at event time `nowMs`, or nullptr.
    SessionOrigin* find(quint64 key, qint64 nowMs);
    // Starts loading the slot where find(key) begins, for a caller with other work to do meanwhile.
    void prefetch(quint64 key) const
    {
        if (!m_slots.empty()) prefetchLine(&m_slots[slotIndex(slotKey(key), m_slots.size() - 1)]);
    }
    // Records where session `key` began; call only after find() returned nullptr for it.
    SessionOrigin& insert(quint64 key, const SessionOrigin& origin, qint64 nowMs);

    qsizetype size() const { return m_used; }
    qsizetype capacity() const { return qsizetype(m_slots.size()); }

private:
    struct Slot
    {
        quint64 key = 0; // 0: empty (a session whose hash is 0 is stored as 1)
        SessionOrigin origin;
    };
    static quint64 slotKey(quint64 key) { return key == 0 ? 1 : key; }
    // Fold the high bits in before masking: the index should depend on the whole key, whatever hash made it.
    static size_t slotIndex(quint64 key, size_t mask) { return size_t(key ^ (key >> 29) ^ (key >> 47)) & mask; }
    bool expired(const Slot& slot, qint64 nowMs) const { return slot.origin.atMs < nowMs - m_lifetimeMs; }
    // Rebuilds the table without the origins expired at `nowMs`, at a size that leaves room to grow.
    void rebuild(qint64 nowMs);
    // Where `key` (a slotKey()) is, or the empty slot where its probe ends: one probe for find, insert and rebuild.
    size_t slotFor(quint64 key) const;

    std::vector<Slot> m_slots; // a power of two in size, at most 70% used
    qsizetype m_used = 0;
    qint64 m_lifetimeMs;
};

} // namespace vigil::risk
