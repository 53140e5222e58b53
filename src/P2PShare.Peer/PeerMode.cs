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

    /// <summary>Look for a tracker every way, print what was tried and found, and exit (0: found).</summary>
    Discover,
}
