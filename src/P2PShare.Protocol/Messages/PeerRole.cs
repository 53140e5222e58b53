namespace P2PShare.Protocol.Messages;

/// <summary>The roles a <see cref="Hello"/> may name.</summary>
public static class PeerRole
{
    /// <summary>A peer joining the tracker.</summary>
    public const string Peer = "peer";

    /// <summary>A peer connecting to another peer to fetch manifests and pieces.</summary>
    public const string Fetcher = "fetcher";
}
