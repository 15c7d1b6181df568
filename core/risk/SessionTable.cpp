// SPDX-License-Identifier: GPL-3.0-or-later
#include "core/risk/SessionTable.h"

namespace vigil::risk {

namespace {

constexpr size_t kMinSlots = 1024;

} // namespace

size_t SessionTable::slotFor(quint64 key) const
{
    const size_t mask = m_slots.size() - 1;
    size_t i = slotIndex(key, mask);
    while (m_slots[i].key != 0 && m_slots[i].key != key)
        i = (i + 1) & mask;
    return i;
}

SessionOrigin* SessionTable::find(quint64 key, qint64 nowMs)
{
    if (m_slots.empty()) return nullptr;
    Slot& slot = m_slots[slotFor(slotKey(key))];
    return slot.key == 0 || expired(slot, nowMs) ? nullptr : &slot.origin;
}

SessionOrigin& SessionTable::insert(quint64 key, const SessionOrigin& origin, qint64 nowMs)
{
    // At most 70% used, so that probes stay short; expired origins go before the table grows.
    if (m_slots.empty() || size_t(m_used + 1) * 10 > m_slots.size() * 7) rebuild(nowMs);
    key = slotKey(key);
    // An expired origin of the same session is replaced where it is, so that a key is never stored twice.
    Slot& slot = m_slots[slotFor(key)];
    if (slot.key == 0) ++m_used;
    slot = {key, origin};
    return slot.origin;
}

void SessionTable::rebuild(qint64 nowMs)
{
    std::vector<Slot> old;
    old.swap(m_slots);
    size_t live = 0;
    for (const Slot& slot : old) {
        if (slot.key != 0 && !expired(slot, nowMs)) ++live;
    }
    // Half full after the rebuild: room for as many new sessions again before the next one.
    size_t slots = kMinSlots;
    while ((live + 1) * 2 > slots)
        slots *= 2;
    m_slots.assign(slots, Slot{});
    m_used = 0;
    for (const Slot& slot : old) {
        if (slot.key == 0 || expired(slot, nowMs)) continue;
        m_slots[slotFor(slot.key)] = slot; // keys are unique: this is the empty slot ending the probe
        ++m_used;
    }
}

} // namespace vigil::risk
