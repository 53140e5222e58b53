Console.WriteLine("peer");
