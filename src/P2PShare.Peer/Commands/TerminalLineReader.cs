using System.Text;
using System.Threading.Channels;

namespace P2PShare.Peer.Commands;

/// <summary>
/// Reads command lines key by key on a terminal, so that <see cref="UserOutput"/> always knows
/// what has been typed and can redraw it after writing something above it. Enter ends a line,
/// Backspace and Ctrl+U edit it, Up and Down walk the history, Ctrl+D on an empty line ends input.
/// Keys are read on one background thread, and only while a line is wanted.
/// </summary>
public sealed class TerminalLineReader : TextReader
{
    private readonly UserOutput _output;
    private readonly string _prompt;
    private readonly Func<ConsoleKeyInfo> _readKey;
    private readonly SemaphoreSlim _wanted = new(0);
    private readonly CancellationTokenSource _closing = new();
    private readonly Channel<string?> _lines = Channel.CreateUnbounded<string?>();
    private readonly List<string> _history = [];
    private Thread? _thread;

    /// <summary>The thread that reads keys, once the first line was asked for (tests join it).</summary>
    internal Thread? InputThread => _thread;

    /// <summary>Reads keys with <paramref name="readKey"/> (normally <c>() =&gt; Console.ReadKey(intercept: true)</c>).</summary>
    public TerminalLineReader(UserOutput output, string prompt, Func<ConsoleKeyInfo> readKey)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _prompt = prompt ?? throw new ArgumentNullException(nameof(prompt));
        _readKey = readKey ?? throw new ArgumentNullException(nameof(readKey));
    }

    /// <inheritdoc />
    public override async ValueTask<string?> ReadLineAsync(CancellationToken cancellationToken)
    {
        if (_thread is null)
        {
            _thread = new Thread(ReadLines) { Name = "terminal input", IsBackground = true };
            _thread.Start();
        }
        _wanted.Release();
        return await _lines.Reader.ReadAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override string? ReadLine() => ReadLineAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();

    private void ReadLines()
    {
        var closing = _closing.Token;
        while (true)
        {
            try
            {
                _wanted.Wait(closing);
            }
            catch (OperationCanceledException)
            {
                return; // disposed: nobody wants lines any more
            }
            string? line;
            try
            {
                line = ReadOneLine();
            }
            catch (InvalidOperationException)
            {
                line = null; // stdin is no longer a terminal (closed): end of input.
            }
            _lines.Writer.TryWrite(line);
            if (line is null)
                return;
        }
    }

    private string? ReadOneLine()
    {
        _output.BeginInput(_prompt);
        int back = _history.Count; // Index into the history while walking it with Up/Down.
        // A builder, not string +=: a pasted 20,000-character line must cost linear time, not quadratic.
        var typed = new StringBuilder();
        while (true)
        {
            var key = _readKey();
            switch (key)
            {
                case { Key: ConsoleKey.Enter } or { KeyChar: '\n' or '\r' }:
                    string line = _output.CommitInput();
                    if (line.Trim().Length > 0 && (_history.Count == 0 || _history[^1] != line))
                        _history.Add(line);
                    return line;
                case { Key: ConsoleKey.Backspace } or { KeyChar: '\b' or '\u007f' }:
                    if (typed.Length > 0)
                        typed.Length--;
                    _output.Backspace();
                    break;
                case { KeyChar: '\u0004' } when typed.Length == 0: // Ctrl+D
                    _output.CommitInput();
                    return null;
                case { KeyChar: '\u0015' }: // Ctrl+U
                    typed.Clear();
                    _output.ReplaceInput("");
                    break;
                case { Key: ConsoleKey.UpArrow } when back > 0:
                    typed.Clear().Append(_history[--back]);
                    _output.ReplaceInput(_history[back]);
                    break;
                case { Key: ConsoleKey.DownArrow } when back < _history.Count:
                    back++;
                    typed.Clear().Append(back == _history.Count ? "" : _history[back]);
                    _output.ReplaceInput(typed.ToString());
                    break;
                case { KeyChar: var c } when !char.IsControl(c) && c != '\0':
                    typed.Append(c);
                    _output.Type(c);
                    break;
            }
        }
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // The key thread may be inside ReadKey and wait on _wanted afterwards: it is stopped, and
            // the semaphore left to the GC, since a wait on a disposed one would kill the process.
            _closing.Cancel();
            _lines.Writer.TryComplete();
        }
        base.Dispose(disposing);
    }
}
