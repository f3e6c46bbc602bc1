using Slices.Api.Platform;

var builder = WebApplication.CreateBuilder(args);
builder.AddPlatform();

var app = builder.Build();
return await app.RunPlatformAsync(args);

public partial class Program;
