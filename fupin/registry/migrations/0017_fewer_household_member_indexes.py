"""Three indexes that no page used go (ADR 0034): households by status and by
(village, 户编号), and active members by (household, name). On a 1,000,000-household
database none of them was read by any page of `benchmarks/page_profile.py`, while every
imported household and member paid an insert into each."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0016_level_village_code'),
    ]

    operations = [
        migrations.RemoveIndex(model_name='household', name='registry_household_status'),
        migrations.RemoveIndex(model_name='household', name='registry_household_village'),
        migrations.RemoveIndex(model_name='member', name='registry_member_active_names'),
    ]
