"""The plain index over every member's ID number goes (ADR 0033): every query that finds
members by ID number asks for active ones, whom the partial unique index
`registry_member_one_active_household_per_person` finds, and on a 1,000,000-household
database no page used it, while each imported member cost a random insert into it."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0013_household_county_order_monitored_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='member',
            name='registry_member_id_number',
        ),
    ]
