using P2PShare.Protocol.Messages;

namespace P2PShare.Protocol.Rpc;

/// <summary>
/// PROTOCOL.md §5: a request carries an <c>id</c>, and its reply carries that id as <c>re</c>. A
/// request that comes without one cannot be answered by a reply that refers to it, so it is not
/// served: it is answered by an <c>error</c> <c>bad_request</c> with no <c>re</c>, the one error that
/// names no request (serving it would send a <c>welcome</c> or a piece that refers to nothing).
/// </summary>
public static class RequestIds
{
    /// <summary>True for the message types that are requests (§8's table) when they carry neither <c>id</c> nor <c>re</c>.</summary>
    public static bool LacksId(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return message is { RequestId: 0, ReplyTo: 0 }
            and (Hello or AuthProof or Announce or ListFiles or UpdateRequest or Refresh or WhoHas or WhoHasMany or GetManifest or GetPiece or GetHave);
    }

    /// <summary>The answer to <paramref name="request"/> sent without an id: <c>bad_request</c>, with no <c>re</c>.</summary>
    public static ErrorReply Refusal(Message request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new ErrorReply(ErrorCodes.BadRequest, $"'{request.Type}' is a request and must carry an id (PROTOCOL.md §5); it was not served");
    }
}
