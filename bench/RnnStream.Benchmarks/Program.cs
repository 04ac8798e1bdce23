using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/RnnStream.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(RnnStream.Benchmarks.InferenceStepBenchmarks).Assembly).Run(args);
