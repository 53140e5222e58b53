using P2PShare.Peer.Discovery;

namespace P2PShare.Peer.Outcomes;

/// <summary>Joining a tracker failed; <see cref="Location"/> says how it was chosen, so the text can say why discovery did not help.</summary>
/// <param name="Tracker">The tracker's HOST:PORT.</param>
public abstract record JoinFailure(string Tracker) : PeerFailure
{
    /// <summary>How the tracker was chosen; null when joined by address without looking.</summary>
    public TrackerLocation? Location { get; init; }
}
