// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace vigil::store {

// Values are stored in raw_blocks.codec: never renumber them.
enum class RawCodec : int
{
    Stored = 0, // kept as is because LZ4 did not make it smaller
    Lz4Block = 1,
};

// One encoded block; `data` points into the writer's buffer and stays valid until the writer is touched again.
struct EncodedBlock
{
    RawCodec codec = RawCodec::Stored;
    qsizetype rawSize = 0;
    QByteArrayView data;
};

// Packs a batch's raw JSON into blocks of up to ~64 KiB before compression.
//
// One event compresses poorly on its own (~1.1x for 2 KB of Okta JSON; most of its redundancy is shared
// with its neighbours: keys, user agents, org and app names), and a blob per event costs SQLite a row and
// overflow pages each, so events are concatenated and addressed by (block, offset, size). Buffers are
// reused across blocks because this runs once per stored event. 256 KiB blocks stored no faster (measured
// when the store used 64 KiB pages) and would make every single-event read decode four times as much; a
// compressed 64 KiB block now fills about one of the store's 16 KiB pages.
class RawBlockWriter
{
public:
    static constexpr qsizetype kTargetInputSize = 64 * 1024;

    RawBlockWriter();

    bool isEmpty() const { return m_input.isEmpty(); }
    qsizetype size() const { return m_input.size(); }
    // True when `nextSize` more bytes belong in a new block. An event larger than a block gets one of its own.
    bool needsFlushBefore(qsizetype nextSize) const
    {
        return !m_input.isEmpty() && m_input.size() + nextSize > kTargetInputSize;
    }
    // Returns the offset of `raw` inside the current block.
    qsizetype append(QByteArrayView raw);
    // Encodes the collected bytes; the result is valid until the next append() or clear().
    // nullopt only if the input is too large for LZ4.
    std::optional<EncodedBlock> encode();
    // resize(0), unlike QByteArray::clear(), keeps the allocation for the next block.
    void clear() { m_input.resize(0); }
    // Hands the collected bytes over (for a BlockCompressor) and starts an empty block.
    QByteArray takeInput();

private:
    QByteArray m_input;
    QByteArray m_output;
};

// Encodes full raw blocks on a worker thread while the store goes on inserting the rows that point
// into them: LZ4 was ~7% of the store's time per event, and a batch fills dozens of blocks. The rows
// and the block rows are still written by the store's thread, in one transaction.
class BlockCompressor
{
public:
    struct Block
    {
        qint64 id = 0;
        bool ok = false; // false: too large for LZ4
        RawCodec codec = RawCodec::Stored;
        qsizetype rawSize = 0;
        QByteArray data;
    };

    BlockCompressor() = default;
    ~BlockCompressor();
    BlockCompressor(const BlockCompressor&) = delete;
    BlockCompressor& operator=(const BlockCompressor&) = delete;

    // Queues `input` to be encoded as block `id`; the thread starts with the first block.
    void submit(qint64 id, QByteArray input);
    // Every block submitted since the last call, encoded, in submission order (waits for them).
    QList<Block> finish();
    // Drops every submitted block (a batch that failed).
    void discard() { finish(); }

private:
    void run();

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_done;
    std::deque<std::pair<qint64, QByteArray>> m_queue;
    QList<Block> m_encoded;
    int m_busy = 0; // blocks taken from the queue and not yet encoded
    bool m_stop = false;
    std::thread m_thread;
};

namespace RawBlockCodec {

// Largest block the reader accepts; anything bigger in the database is treated as corrupt
// rather than trusted with an allocation.
constexpr qsizetype kMaxRawBlockSize = 256 * 1024 * 1024;

// Encodes one block, storing it uncompressed when LZ4 does not shrink it. `scratch` receives the output.
std::optional<EncodedBlock> encode(QByteArrayView input, QByteArray& scratch);

// Decodes a whole block; nullopt if it is corrupt or does not decode to `rawSize` bytes.
std::optional<QByteArray> decode(RawCodec codec, QByteArrayView data, qsizetype rawSize);

// The `length` bytes at `offset` of a block, decoding no further than needed.
std::optional<QByteArray>
slice(RawCodec codec, QByteArrayView data, qsizetype rawSize, qsizetype offset, qsizetype length);

} // namespace RawBlockCodec

} // namespace vigil::store
