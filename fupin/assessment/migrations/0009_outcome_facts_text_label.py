"""The outcome's facts text is labelled in Chinese only (its label named the format in English)."""


from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assessment', '0008_run_decided_by'),
    ]

    operations = [
        migrations.AlterField(
            model_name='assessmentoutcome',
            name='facts_text',
            field=models.TextField(blank=True, default='', verbose_name='事实（文本）'),
        ),
    ]
