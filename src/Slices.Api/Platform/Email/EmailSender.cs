using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Slices.Api.Platform.Email;

/// <summary>One message, already rendered: who it goes to, and a Message-ID fixed by what it is about (so a resend is recognisable).</summary>
public sealed record OutgoingEmail(string To, string ToName, string Subject, string Text, string Html, string MessageId, string? FromName = null);

/// <summary>The relay did not take an email; retrying later may succeed.</summary>
public sealed class EmailNotSentException(string reason) : Exception(reason);

/// <summary>Sends over SMTP with MailKit, one connection per message (notifications are not bulk mail).</summary>
public sealed class EmailSender(EmailOptions options, ILogger<EmailSender> logger)
{
    public async Task SendAsync(OutgoingEmail email, CancellationToken ct)
    {
        var from = MailboxAddress.Parse(options.From);
        if (email.FromName is not null) from = new MailboxAddress(email.FromName, from.Address);
        using var message = new MimeMessage
        {
            Subject = email.Subject,
            MessageId = email.MessageId,
            Body = new BodyBuilder { TextBody = email.Text, HtmlBody = email.Html }.ToMessageBody(),
        };
        message.From.Add(from);
        message.To.Add(new MailboxAddress(email.ToName, email.To));

        using var client = new SmtpClient { Timeout = options.TimeoutSeconds * 1000 };
        var security = options.Security switch
        {
            "tls" => SecureSocketOptions.SslOnConnect,
            "none" => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };
        try
        {
            await client.ConnectAsync(options.SmtpHost!, options.SmtpPort, security, ct);
            if (!string.IsNullOrEmpty(options.Username)) await client.AuthenticateAsync(options.Username, options.Password ?? "", ct);
            await client.SendAsync(message, ct);
            await client.DisconnectAsync(true, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A relay's answer can quote the recipient's address: what is kept (job state, logs) is the kind of failure only.
            throw new EmailNotSentException(e is SmtpCommandException command ? $"the relay answered {(int)command.StatusCode}" : $"the relay could not be reached ({e.GetType().Name})");
        }
        logger.LogInformation("Email {MessageId} handed to the relay", email.MessageId); // never the address or the content
    }
}
