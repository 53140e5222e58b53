namespace P2PShare.Peer.Outcomes;

/// <summary>The piece server could not listen on the port asked for.</summary>
/// <param name="Port">The port asked for.</param>
/// <param name="Error">The operating system's reason.</param>
public sealed record PortInUse(int Port, string Error) : PeerFailure;
