using System.Net;

namespace P2PShare.Net;

/// <summary>One received UDP datagram.</summary>
/// <param name="Bytes">Its bytes; they live in the loop's buffer, valid only until the handler's task completes.</param>
/// <param name="From">Who sent it.</param>
/// <param name="InterfaceIndex">The interface it arrived on, or -1 when the loop was not asked for it.</param>
public readonly record struct Datagram(ReadOnlyMemory<byte> Bytes, IPEndPoint From, int InterfaceIndex);
