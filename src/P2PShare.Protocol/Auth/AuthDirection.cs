namespace P2PShare.Protocol.Auth;

/// <summary>Who a proof comes from; part of the MAC input so one side's proof never passes as the other's (no reflection).</summary>
public enum AuthDirection
{
    /// <summary>The side that connected and sent <c>hello</c>.</summary>
    Client,

    /// <summary>The side that accepted the connection.</summary>
    Server,
}
