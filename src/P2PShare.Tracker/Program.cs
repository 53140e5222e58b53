Console.WriteLine("tracker");
