// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QtGlobal>

#include <cstring>
#include <string_view>

namespace vigil::okta {

// A fast in-memory hash, eight bytes at a time, for lookup tables on the hot path (parser caches,
// the risk engine's actor table). Collisions only cost a comparison, so the mixing is light. Not
// stable across versions: what is persisted uses risk::stableHash().
inline quint64 fastHash(std::string_view text)
{
    quint64 h = 0x9e3779b97f4a7c15ull ^ text.size();
    size_t i = 0;
    for (; i + 8 <= text.size(); i += 8) {
        quint64 w;
        std::memcpy(&w, text.data() + i, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    for (; i < text.size(); ++i)
        h = (h ^ quint8(text[i])) * 0x100000001b3ull;
    return h ^ (h >> 29);
}

} // namespace vigil::okta
