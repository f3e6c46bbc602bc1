using Slices.Api.Features.Calendar;
using Slices.Api.Platform;

var builder = WebApplication.CreateBuilder(args);
builder.AddPlatform();
builder.AddCalendar();

var app = builder.Build();
return await app.RunPlatformAsync(args);

public partial class Program;
