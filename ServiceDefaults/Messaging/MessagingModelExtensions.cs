using Microsoft.EntityFrameworkCore;
using PublicInnovation.ServiceDefaults.Messaging.Inbox;
using PublicInnovation.ServiceDefaults.Messaging.Outbox;

namespace PublicInnovation.ServiceDefaults.Messaging;

public static class MessagingModelExtensions
{
    /// <summary>
    /// Adds the <c>outbox_messages</c> and <c>inbox_messages</c> tables to a service's model; call it from
    /// <c>OnModelCreating</c> so they live in the service's own database and migrations.
    /// </summary>
    public static ModelBuilder AddOutboxAndInbox(this ModelBuilder model)
    {
        model.Entity<OutboxMessage>(outbox =>
        {
            outbox.ToTable("outbox_messages");
            outbox.HasKey(m => m.Sequence);
            outbox.Property(m => m.Sequence).HasColumnName("sequence").UseIdentityAlwaysColumn();
            outbox.Property(m => m.MessageId).HasColumnName("message_id");
            outbox.HasIndex(m => m.MessageId).IsUnique();
            outbox.Property(m => m.MessageType).HasColumnName("message_type").HasMaxLength(500);
            outbox.Property(m => m.Body).HasColumnName("body").HasColumnType("jsonb");
            outbox.Property(m => m.TraceParent).HasColumnName("trace_parent").HasMaxLength(55);
            outbox.Property(m => m.TraceState).HasColumnName("trace_state").HasMaxLength(512);
            outbox.Property(m => m.CreatedAt).HasColumnName("created_at");
            outbox.Property(m => m.SentAt).HasColumnName("sent_at");
            outbox.Property(m => m.Attempts).HasColumnName("attempts");
            outbox.Property(m => m.LastError).HasColumnName("last_error").HasMaxLength(2000);
            // The relay's only query: unsent rows in commit order. A partial index keeps it small however
            // many sent rows accumulate before clean-up.
            outbox.HasIndex(m => m.Sequence).HasFilter("sent_at IS NULL").HasDatabaseName("ix_outbox_messages_unsent");
        });

        model.Entity<InboxMessage>(inbox =>
        {
            inbox.ToTable("inbox_messages");
            inbox.HasKey(m => new { m.Consumer, m.MessageId });
            inbox.Property(m => m.Consumer).HasColumnName("consumer").HasMaxLength(200);
            inbox.Property(m => m.MessageId).HasColumnName("message_id");
            inbox.Property(m => m.MessageType).HasColumnName("message_type").HasMaxLength(500);
            inbox.Property(m => m.ReceivedAt).HasColumnName("received_at");
        });
        return model;
    }
}
