using System.Buffers;

namespace P2PShare.Protocol.Codec;

/// <summary>
/// Char buffers for decoding and encoding headers. Not <see cref="ArrayPool{T}.Shared"/>: it keeps a
/// returned array in a cache per thread, and a tracker has a thread per client, so every client kept
/// an idle buffer resident (the <c>load</c> benchmark, docs/BENCHMARKS.md). These buffers are shared by all threads.
/// </summary>
internal static class CharBuffers
{
    public static ArrayPool<char> Pool { get; } = ArrayPool<char>.Create(maxArrayLength: 1024 * 1024, maxArraysPerBucket: 16);
}
