"""Two indexes fewer for every ledger import to keep up (ADR 0033).

The plain index over every member's ID number served no query (they all ask for active
members, whom the partial unique index finds) and cost each imported member a random
insert. Django's automatic index on households.village_id repeats the (village, number)
index; its LIKE twin, which the region prefix filters need, is kept as a declared index.
Django drops and re-adds the village foreign key while changing `db_index`; re-adding it
checks every household against the regions once.
"""

import django.db.models.deletion
import fupin.core.region_codes
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0013_household_county_order_monitored_index'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='member',
            name='registry_member_id_number',
        ),
        migrations.AlterField(
            model_name='household',
            name='village',
            field=models.ForeignKey(db_index=False, limit_choices_to={'level': fupin.core.region_codes.RegionLevel['VILLAGE']}, on_delete=django.db.models.deletion.PROTECT, related_name='households', to='registry.region', verbose_name='所在村'),
        ),
        migrations.AddIndex(
            model_name='household',
            index=models.Index(fields=['village'], name='registry_household_region', opclasses=['varchar_pattern_ops']),
        ),
    ]
