"""R-FUND-01: the execution notice prints the case's 一案一账号 from now on.

The shipped default is loaded into the database on first use (`documents.actions.active_template`),
so an installation that issued notices before keeps the old text. Where the platform's active default
is still that shipped text, untouched, this adds the new shipped text as its next version (the old
one stays, inactive, for the documents issued with it). A default the operator edited, and every
court's own version, stay as they are: the placeholder is optional, and they render as before.
"""

from django.db import migrations

OLD = "# {{ court_name }}\n# 执行通知书\n= {{ document_number }}\n! {{ respondents }}：\n申请执行人{{ applicants }}与你（单位）一案，{{ basis }}已经发生法律效力。申请执行人已向本院申请强制执行，本院依法立案执行，案号为{{ case_number }}。依照《中华人民共和国民事诉讼法》第二百五十一条、第二百五十二条的规定，责令你（单位）：\n一、自本通知书送达之日起{{ performance_days }}日内（自签发之日起算，至迟于{{ performance_deadline }}）履行上述法律文书确定的义务，即支付申请执行人{{ applicants }}款项{{ amount_total }}（大写：{{ amount_total_capital }}），并负担迟延履行期间的债务利息或者迟延履行金及执行费用。\n二、自本通知书送达之日起{{ report_days }}日内，如实向本院报告当前以及收到本通知书之日前一年的财产情况。\n逾期不履行也不报告财产的，本院将依法强制执行，并可以根据情节轻重对你（单位）或者你单位的主要负责人、直接责任人员予以罚款、拘留，将你（单位）纳入失信被执行人名单，限制高消费及有关消费；构成拒不执行判决、裁定罪的，依法追究刑事责任。\n被执行人：{{ respondents_detail }}\n申请执行人：{{ applicants_detail }}\n承办人及联系方式：{{ court_contact }}\n> {{ court_name }}\n> {{ issue_date }}\n"
NEW = "# {{ court_name }}\n# 执行通知书\n= {{ document_number }}\n! {{ respondents }}：\n申请执行人{{ applicants }}与你（单位）一案，{{ basis }}已经发生法律效力。申请执行人已向本院申请强制执行，本院依法立案执行，案号为{{ case_number }}。依照《中华人民共和国民事诉讼法》第二百五十一条、第二百五十二条的规定，责令你（单位）：\n一、自本通知书送达之日起{{ performance_days }}日内（自签发之日起算，至迟于{{ performance_deadline }}）履行上述法律文书确定的义务，即支付申请执行人{{ applicants }}款项{{ amount_total }}（大写：{{ amount_total_capital }}），并负担迟延履行期间的债务利息或者迟延履行金及执行费用。\n二、自本通知书送达之日起{{ report_days }}日内，如实向本院报告当前以及收到本通知书之日前一年的财产情况。\n请将执行款汇入本院执行款专户，并在附言中注明：一案一账号 {{ case_account_reference }}（仅需填写其中的数字），款项将自动对应本案；未注明的，可能延误款项的确认和发放。\n逾期不履行也不报告财产的，本院将依法强制执行，并可以根据情节轻重对你（单位）或者你单位的主要负责人、直接责任人员予以罚款、拘留，将你（单位）纳入失信被执行人名单，限制高消费及有关消费；构成拒不执行判决、裁定罪的，依法追究刑事责任。\n被执行人：{{ respondents_detail }}\n申请执行人：{{ applicants_detail }}\n承办人及联系方式：{{ court_contact }}\n> {{ court_name }}\n> {{ issue_date }}\n"


def forwards(apps, schema_editor):
    DocumentTemplate = apps.get_model("documents", "DocumentTemplate")
    rows = DocumentTemplate.objects.filter(kind="execution_notice", variant="", court__isnull=True)
    current = rows.filter(active=True).first()
    if current is None or current.body.strip() != OLD.strip():
        return
    version = max(rows.values_list("version", flat=True)) + 1
    rows.filter(pk=current.pk).update(active=False)
    DocumentTemplate.objects.create(
        kind="execution_notice",
        variant="",
        court=None,
        version=version,
        body=NEW,
        note="shipped default: 一案一账号 (R-FUND-01)",
        created_by=None,
    )


class Migration(migrations.Migration):
    dependencies = [("documents", "0010_reinquiry_notice_kind")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
