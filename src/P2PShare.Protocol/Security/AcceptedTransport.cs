namespace P2PShare.Protocol.Security;

/// <summary>
/// How an accepted connection's transport began: a stream to greet on, or a refusal already sent
/// (the caller logs it and closes), or neither when the other side closed first.
/// </summary>
/// <param name="Secured">The stream the handshake runs on; null when refused or closed.</param>
/// <param name="Refusal">Why the connection was refused before any frame, for the log.</param>
public sealed record AcceptedTransport(SecuredConnection? Secured, string? Refusal);
