namespace P2PShare.Protocol.Framing;

/// <summary>
/// What one frame read is held to: the protocol limits, the frame length allowed right now (lower
/// before a handshake completes, with <see cref="Why"/> for the error message) and the budget its
/// buffer is charged to.
/// </summary>
internal readonly record struct FrameRules(ProtocolLimits Limits, int MaxFrameLength, string? Why, FrameMemoryBudget? Budget);
