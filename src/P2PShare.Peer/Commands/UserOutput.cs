using P2PShare.Protocol.Text;
using System.Globalization;
using System.Text;

namespace P2PShare.Peer.Commands;

/// <summary>
/// Everything the peer writes to the console — answers on stdout, diagnostics on stderr — goes
/// through here under one lock, whole lines at a time, so nothing is ever split mid-line. On a
/// terminal it also owns the bottom of the screen: live status lines (download progress) and the
/// line being typed at the prompt. Before anything else is written that area is erased, and it is
/// drawn again after, so output appears above the prompt and the half-typed command survives.
/// </summary>
public sealed class UserOutput
{
    private const string Erase = "\r\u001b[J"; // To column 0, clear to the end of the screen.

    private readonly TextWriter _writer;
    private readonly TextWriter _errors;
    private readonly Func<int>? _width;
    private readonly Lock _gate = new();
    private readonly StringBuilder _typed = new();
    private List<string> _status = [];
    private string? _prompt;
    private bool _drawn;

    /// <summary>
    /// Plain output to <paramref name="writer"/> (diagnostics to <paramref name="errors"/>, or the
    /// same writer). Give <paramref name="terminalWidth"/> only on a terminal: it turns on the
    /// live area and its control codes.
    /// </summary>
    public UserOutput(TextWriter writer, TextWriter? errors = null, Func<int>? terminalWidth = null)
    {
        _writer = writer ?? throw new ArgumentNullException(nameof(writer));
        _errors = errors ?? writer;
        _width = terminalWidth;
    }

    /// <summary>True when writing to a terminal that gets a live area (and control codes).</summary>
    public bool IsTerminal => _width is not null;

    /// <summary>Writes one or more lines at once (above the live area on a terminal).</summary>
    public void WriteLine(string text) => Emit(_writer, text);

    /// <summary>Writes a diagnostic line to stderr, never inside a line of stdout.</summary>
    public void WriteErrorLine(string text) => Emit(_errors, text);

    /// <summary>Writes text without a line end (the prompt, when not on a terminal).</summary>
    public void Write(string text)
    {
        lock (_gate)
        {
            _writer.Write(text);
            _writer.Flush();
        }
    }

    /// <summary>Replaces the live status lines (terminal only; ignored otherwise).</summary>
    public void SetStatus(IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        if (!IsTerminal)
            return;
        lock (_gate)
        {
            if (lines.SequenceEqual(_status))
                return;
            EraseLive();
            _status = lines.ToList();
            DrawLive();
        }
    }

    /// <summary>Shows <paramref name="prompt"/> and an empty input line (terminal only).</summary>
    public void BeginInput(string prompt) => Edit(() =>
    {
        _prompt = prompt;
        _typed.Clear();
    });

    /// <summary>Adds a typed character to the input line.</summary>
    public void Type(char c)
    {
        lock (_gate)
        {
            if (_drawn && _prompt is not null)
            {
                // The cursor is at the end of the input: writing the one character is what a full
                // redraw would end in, and keeps a long pasted line linear instead of quadratic.
                _typed.Append(c);
                _writer.Write(c);
                _writer.Flush();
                return;
            }
        }
        Edit(() => _typed.Append(c));
    }

    /// <summary>Removes the last typed character.</summary>
    public void Backspace()
    {
        lock (_gate)
        {
            // Rubbed out in place unless the cursor sits at a wrap point, where only a redraw knows the row.
            if (_drawn && _prompt is not null && _typed.Length > 0 && _typed[^1] < ''
                && (_prompt.Length + _typed.Length) % Width() != 0)
            {
                _typed.Length--;
                _writer.Write("\b \b");
                _writer.Flush();
                return;
            }
        }
        Edit(() =>
        {
            if (_typed.Length > 0)
                _typed.Length--;
        });
    }

    /// <summary>Replaces the whole input line (history, Ctrl+U).</summary>
    public void ReplaceInput(string text) => Edit(() => _typed.Clear().Append(text));

    /// <summary>Ends input: the typed line stays on screen as history and is returned.</summary>
    public string CommitInput()
    {
        lock (_gate)
        {
            EraseLive();
            string line = _typed.ToString();
            if (_prompt is not null)
                _writer.Write(_prompt + line + "\n");
            _prompt = null;
            _typed.Clear();
            DrawLive();
            _writer.Flush();
            return line;
        }
    }

    /// <summary>Clears the live area for good (the program is ending): no prompt, no status lines.</summary>
    public void EndLive() => Edit(() =>
    {
        _prompt = null;
        _typed.Clear();
        _status = [];
    });

    private void Edit(Action change)
    {
        lock (_gate)
        {
            EraseLive();
            change();
            DrawLive();
            _writer.Flush();
        }
    }

    private void Emit(TextWriter target, string text)
    {
        // Every line ends up here: one place to disarm control characters in names and messages from outside.
        text = TerminalText.EscapeKeepingLines(text);
        lock (_gate)
        {
            EraseLive();
            _writer.Flush();
            target.Write(text);
            target.Write('\n');
            target.Flush();
            DrawLive();
            _writer.Flush();
        }
    }

    // The live area is the status lines, then the prompt line (which wraps if long).
    private void EraseLive()
    {
        if (!_drawn)
            return;
        int up = _status.Count + (_prompt is null ? 0 : Rows(_prompt.Length + _typed.Length)) - 1;
        if (_prompt is null)
            up++; // Status lines end with a line feed; the cursor sits on the line below them.
        if (up > 0)
            _writer.Write(string.Create(CultureInfo.InvariantCulture, $"\u001b[{up}A"));
        _writer.Write(Erase);
        _drawn = false;
    }

    private void DrawLive()
    {
        if (_width is null || (_status.Count == 0 && _prompt is null))
            return;
        int width = Width();
        foreach (var line in _status)
            _writer.Write(Fit(TerminalText.Escape(line), width - 1) + "\n");
        if (_prompt is not null)
            _writer.Write(_prompt + _typed);
        _drawn = true;
    }

    private int Width()
    {
        int width = _width!();
        return width < 10 ? 80 : width;
    }

    private int Rows(int characters) => Math.Max(1, (characters + Width() - 1) / Width());

    /// <summary>Cuts <paramref name="line"/> to <paramref name="width"/> characters, ending in "…" when cut.</summary>
    public static string Fit(string line, int width)
    {
        ArgumentNullException.ThrowIfNull(line);
        return line.Length <= width ? line : width <= 1 ? line[..Math.Max(0, width)] : line[..(width - 1)] + "…";
    }
}
