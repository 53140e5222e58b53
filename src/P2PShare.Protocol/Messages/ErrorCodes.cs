namespace P2PShare.Protocol.Messages;

/// <summary>The codes an <see cref="ErrorReply"/> may carry. Receivers treat unknown codes as <see cref="Failed"/>.</summary>
public static class ErrorCodes
{
    /// <summary>The file or piece asked for is not held here.</summary>
    public const string NotFound = "not_found";

    /// <summary>The request was malformed or broke a rule (names the rule in the text).</summary>
    public const string BadRequest = "bad_request";

    /// <summary>The message type is not one this side knows.</summary>
    public const string UnknownType = "unknown_type";

    /// <summary>The protocol versions do not match.</summary>
    public const string Version = "version";

    /// <summary>Authentication failed: a secret is missing on one side, or the secrets differ. The receiver closes.</summary>
    public const string Auth = "auth";

    /// <summary>The receiver is at a limit (connections, load); try later or elsewhere.</summary>
    public const string Busy = "busy";

    /// <summary>
    /// Answer to a <c>get_piece</c> that carried <c>defer::1</c>: this piece went to another fetcher
    /// moments ago, so get it from a downloader; never sent to a request without <c>defer::1</c>.
    /// </summary>
    public const string Elsewhere = "elsewhere";

    /// <summary>Anything else that went wrong on the receiver's side.</summary>
    public const string Failed = "failed";
}
