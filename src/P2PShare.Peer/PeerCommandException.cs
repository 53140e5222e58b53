using P2PShare.Peer.Outcomes;

namespace P2PShare.Peer;

/// <summary>
/// A command could not be carried out. <see cref="Failure"/> says why as data; <c>Commands/FailureText</c>
/// puts it into words, so the engine that throws this never writes a sentence.
/// </summary>
public sealed class PeerCommandException : Exception
{
    /// <summary>Creates the exception for <paramref name="failure"/>.</summary>
    public PeerCommandException(PeerFailure failure) : base(Describe(failure)) => Failure = failure;

    /// <summary>Creates the exception for <paramref name="failure"/> and its cause.</summary>
    public PeerCommandException(PeerFailure failure, Exception inner) : base(Describe(failure), inner) => Failure = failure;

    /// <summary>For the command layer: a failure it has already put into words.</summary>
    public PeerCommandException(string message) : this(new WordedFailure(message)) { }

    /// <summary>For the command layer: a failure it has already put into words, and its cause.</summary>
    public PeerCommandException(string message, Exception inner) : this(new WordedFailure(message), inner) { }

    /// <summary>Required by the analyzers.</summary>
    public PeerCommandException() : this(new WordedFailure("the command failed")) { }

    /// <summary>Why the command failed.</summary>
    public PeerFailure Failure { get; }

    // The message is for logs and debuggers; users see FailureText's words.
    private static string Describe(PeerFailure failure) =>
        failure is WordedFailure worded ? worded.Text : (failure ?? throw new ArgumentNullException(nameof(failure))).ToString();
}
