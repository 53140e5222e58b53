using System.Text;

namespace P2PShare.Peer.Tests.Commands;

/// <summary>
/// A tiny terminal for tests: applies what was written (text, CR, LF, ESC[nA up, ESC[J erase to
/// the end) to a grid of a fixed width, wrapping long lines, so a test can check the screen a user sees.
/// </summary>
internal sealed class VirtualScreen
{
    private readonly int _width;
    private readonly List<StringBuilder> _rows = [new()];
    private int _row;
    private int _column;

    public VirtualScreen(int width) => _width = width;

    public static IReadOnlyList<string> Render(string written, int width)
    {
        var screen = new VirtualScreen(width);
        screen.Apply(written);
        return screen.Lines;
    }

    public IReadOnlyList<string> Lines => _rows.Select(r => r.ToString().TrimEnd()).Reverse().SkipWhile(l => l.Length == 0).Reverse().ToList();

    public void Apply(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '\u001b')
            {
                Assert.Equal('[', text[i + 1]);
                int end = i + 2;
                while (char.IsDigit(text[end]))
                    end++;
                int n = end > i + 2 ? int.Parse(text[(i + 2)..end], System.Globalization.CultureInfo.InvariantCulture) : 1;
                switch (text[end])
                {
                    case 'A':
                        _row = Math.Max(0, _row - n);
                        _column = Math.Min(_column, _width - 1);
                        break;
                    case 'J':
                        _rows[_row].Length = Math.Min(_rows[_row].Length, _column);
                        _rows.RemoveRange(_row + 1, _rows.Count - _row - 1);
                        break;
                    default:
                        Assert.Fail($"unexpected control sequence ending in '{text[end]}'");
                        break;
                }
                i = end;
            }
            else if (c == '\r')
            {
                _column = 0;
            }
            else if (c == '\n')
            {
                NextRow();
            }
            else
            {
                if (_column == _width)
                    NextRow(); // Pending wrap: a full row moves on only when the next character comes.
                var row = _rows[_row];
                if (row.Length < _column)
                    row.Append(' ', _column - row.Length);
                if (row.Length == _column)
                    row.Append(c);
                else
                    row[_column] = c;
                _column++;
            }
        }
    }

    private void NextRow()
    {
        _row++;
        _column = 0;
        if (_row == _rows.Count)
            _rows.Add(new StringBuilder());
    }
}
