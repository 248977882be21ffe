from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_catalog_purchases_renewal_card')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='Contact',
            index=Index(fields=['account_id']),
        ),
        ops.AddIndex(
            model_name='Invoice',
            index=Index(fields=['account_id', 'id']),
        ),
        ops.AddIndex(
            model_name='InvoiceLine',
            index=Index(fields=['invoice_id', 'position']),
        ),
        ops.AddIndex(
            model_name='Payment',
            index=Index(fields=['invoice_id']),
        ),
        ops.AddIndex(
            model_name='PaymentMethod',
            index=Index(fields=['account_id']),
        ),
        ops.AddIndex(
            model_name='Subscription',
            index=Index(fields=['account_id']),
        ),
    ]
