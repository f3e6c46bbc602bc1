using Slices.Api.Features.Audit;
using Slices.Api.Features.Calendar;
using Slices.Api.Features.Notifications;
using Slices.Api.Features.Webhooks;
using Slices.Api.Platform;

var builder = WebApplication.CreateBuilder(args);
builder.AddPlatform();
builder.AddAudit();
builder.AddCalendar();
builder.AddNotifications();
builder.AddWebhooks();

var app = builder.Build();
return await app.RunPlatformAsync(args);

public partial class Program;
