from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.catalog import AddOnKind
from models.notifications import EventKind
from models.purchases import PurchaseKind, PurchaseStatus
from models.subscriptions import Deployment
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CatalogAddOn',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=40)),
                ('name', fields.CharField(max_length=60)),
                ('kind', fields.CharEnumField(description='STORAGE: STORAGE\nCOMPUTE_MINUTES: COMPUTE_MINUTES', enum_type=AddOnKind, max_length=20)),
                ('pack_size', fields.IntField()),
                ('prices', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'catalog_add_ons', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='CatalogPlan',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=40)),
                ('name', fields.CharField(max_length=60)),
                ('description', fields.CharField(default='', max_length=300)),
                ('prices', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'catalog_plans', 'app': 'models', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Purchase',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('models.BillingAccount', source_field='account_id', db_constraint=True, to_field='id', related_name='purchases', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='SUBSCRIPTION: SUBSCRIPTION\nSEATS: SEATS\nADD_ON: ADD_ON', enum_type=PurchaseKind, max_length=20)),
                ('status', fields.CharEnumField(default=PurchaseStatus.AWAITING_PAYMENT, description='AWAITING_PAYMENT: AWAITING_PAYMENT\nCOMPLETED: COMPLETED', enum_type=PurchaseStatus, max_length=20)),
                ('idempotency_key', fields.CharField(max_length=255)),
                ('request_fingerprint', fields.CharField(max_length=64)),
                ('invoice', fields.OneToOneField('models.Invoice', source_field='invoice_id', db_constraint=True, to_field='id', related_name='purchase', on_delete=OnDelete.CASCADE)),
                ('subscription', fields.ForeignKeyField('models.Subscription', source_field='subscription_id', null=True, db_constraint=True, to_field='id', related_name='purchases', on_delete=OnDelete.SET_NULL)),
                ('plan', fields.ForeignKeyField('models.CatalogPlan', source_field='plan_id', null=True, db_constraint=True, to_field='id', related_name='purchases', on_delete=OnDelete.SET_NULL)),
                ('add_on', fields.ForeignKeyField('models.CatalogAddOn', source_field='add_on_id', null=True, db_constraint=True, to_field='id', related_name='purchases', on_delete=OnDelete.SET_NULL)),
                ('description', fields.CharField(max_length=200)),
                ('deployment', fields.CharEnumField(null=True, description='GITLAB_COM: GITLAB_COM\nSELF_MANAGED: SELF_MANAGED', enum_type=Deployment, max_length=20)),
                ('quantity', fields.IntField()),
                ('pack_size', fields.IntField(null=True)),
                ('unit_price_minor', fields.BigIntField()),
                ('currency', fields.CharField(max_length=3)),
                ('payment_method', fields.ForeignKeyField('models.PaymentMethod', source_field='payment_method_id', null=True, db_constraint=True, to_field='id', related_name='purchases', on_delete=OnDelete.SET_NULL)),
                ('card_chosen', fields.BooleanField(default=False)),
                ('created_by', fields.ForeignKeyField('models.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('completed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'purchases', 'app': 'models', 'unique_together': (('account', 'idempotency_key'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='Event',
            name='kind',
            field=fields.CharEnumField(description='SUBSCRIPTION_CREATED: SUBSCRIPTION_CREATED\nSUBSCRIPTION_RENEWED: SUBSCRIPTION_RENEWED\nSUBSCRIPTION_RENEWAL_FAILED: SUBSCRIPTION_RENEWAL_FAILED\nSUBSCRIPTION_SEATS_CHANGED: SUBSCRIPTION_SEATS_CHANGED\nSUBSCRIPTION_EXPIRING: SUBSCRIPTION_EXPIRING\nSUBSCRIPTION_CANCELLED: SUBSCRIPTION_CANCELLED\nADD_ON_PURCHASED: ADD_ON_PURCHASED\nINVOICE_ISSUED: INVOICE_ISSUED\nPAYMENT_SUCCEEDED: PAYMENT_SUCCEEDED\nPAYMENT_FAILED: PAYMENT_FAILED\nSUBSCRIPTION_CONTACT_CHANGED: SUBSCRIPTION_CONTACT_CHANGED\nBILLING_CONTACT_CHANGED: BILLING_CONTACT_CHANGED\nMANAGER_ADDED: MANAGER_ADDED\nMANAGER_REMOVED: MANAGER_REMOVED', enum_type=EventKind, max_length=40),
        ),
        ops.AddField(
            model_name='Subscription',
            name='payment_method',
            field=fields.ForeignKeyField('models.PaymentMethod', source_field='payment_method_id', null=True, db_constraint=True, to_field='id', related_name='renewing_subscriptions', on_delete=OnDelete.SET_NULL),
        ),
    ]
