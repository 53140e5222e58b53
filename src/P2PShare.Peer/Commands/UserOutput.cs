namespace P2PShare.Peer.Commands;

/// <summary>
/// What the user reads, on stdout: whole lines under one lock, so a download finishing in the
/// background never splits a line the command loop is writing.
/// </summary>
public sealed class UserOutput
{
    private readonly TextWriter _writer;
    private readonly Lock _gate = new();

    /// <summary>Writes to <paramref name="writer"/>.</summary>
    public UserOutput(TextWriter writer) => _writer = writer ?? throw new ArgumentNullException(nameof(writer));

    /// <summary>Writes one or more lines at once.</summary>
    public void WriteLine(string text)
    {
        lock (_gate)
        {
            _writer.WriteLine(text);
            _writer.Flush();
        }
    }

    /// <summary>Writes text without a line end (a prompt).</summary>
    public void Write(string text)
    {
        lock (_gate)
        {
            _writer.Write(text);
            _writer.Flush();
        }
    }
}
