using System.Net;

namespace P2PShare.Peer.Discovery;

/// <summary>Why a typed discovery target gave no tracker: nothing answered its requests, or they could not be sent.</summary>
/// <param name="To">Where the requests went.</param>
/// <param name="Attempts">How many were sent.</param>
/// <param name="Timeout">How long each waited for an answer.</param>
/// <param name="SendError">The system's error when a request could not be sent; null when they went and nothing answered.</param>
public sealed record TargetMiss(IPEndPoint To, int Attempts, TimeSpan Timeout, string? SendError);
