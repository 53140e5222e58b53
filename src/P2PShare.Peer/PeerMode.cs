namespace P2PShare.Peer;

/// <summary>How the peer program runs.</summary>
public enum PeerMode
{
    /// <summary>The command loop on stdin.</summary>
    Interactive,

    /// <summary>Join the tracker and serve until stopped.</summary>
    Serve,

    /// <summary>Download one file and exit.</summary>
    Get,
}
