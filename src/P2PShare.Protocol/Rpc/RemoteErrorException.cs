namespace P2PShare.Protocol.Rpc;

/// <summary>The other side answered a request with an <c>error</c> reply.</summary>
public sealed class RemoteErrorException : Exception
{
    /// <summary>Creates the exception from the reply's code and text.</summary>
    public RemoteErrorException(string code, string text) : base($"{text} ({code})")
    {
        Code = code;
        Text = text;
    }

    /// <summary>Required by the analyzers.</summary>
    public RemoteErrorException() : this("failed", "remote error") { }

    /// <summary>Required by the analyzers.</summary>
    public RemoteErrorException(string message) : this("failed", message) { }

    /// <summary>Required by the analyzers.</summary>
    public RemoteErrorException(string message, Exception inner) : base(message, inner)
    {
        Code = "failed";
        Text = message;
    }

    /// <summary>The error code (see <see cref="Messages.ErrorCodes"/>).</summary>
    public string Code { get; } = "failed";

    /// <summary>The reply's text.</summary>
    public string Text { get; } = "";
}
