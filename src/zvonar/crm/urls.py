"""URLs of the contact base."""

from django.urls import path

from zvonar.crm import views

app_name = "crm"
urlpatterns = [
    path("contacts/", views.ContactListView.as_view(), name="contact_list"),
    path("contacts/<int:pk>/", views.ContactDetailView.as_view(), name="contact_detail"),
    path(
        "contacts/<int:pk>/edit/<slug:field>/",
        views.ContactInlineEditView.as_view(),
        name="contact_edit_field",
    ),
    path("contacts/bulk/", views.ContactBulkView.as_view(), name="contact_bulk"),
    path("contacts/columns/", views.ContactColumnsView.as_view(), name="contact_columns"),
    path("contacts/merge/", views.ContactMergeView.as_view(), name="contact_merge"),
    path("contacts/duplicates/", views.DuplicateListView.as_view(), name="contact_duplicates"),
    path("contacts/deleted/", views.DeletedContactListView.as_view(), name="deleted_list"),
    path("filters/", views.SavedFilterCreateView.as_view(), name="savedfilter_add"),
    path(
        "filters/<int:pk>/delete/", views.SavedFilterDeleteView.as_view(), name="savedfilter_delete"
    ),
    path("import/", views.ContactImportView.as_view(), name="import_upload"),
    path("import/settings/", views.ContactImportSettingsView.as_view(), name="import_settings"),
    path("import/<int:pk>/", views.ImportJobView.as_view(), name="import_job"),
    path("import/<int:pk>/rejected/", views.ImportRejectedView.as_view(), name="import_rejected"),
    path("import/sample/<slug:kind>/", views.import_sample, name="import_sample"),
    path("blacklist/", views.BlacklistListView.as_view(), name="blacklist_list"),
    path("blacklist/add/", views.BlacklistAddView.as_view(), name="blacklist_add"),
    path("blacklist/import/", views.BlacklistImportView.as_view(), name="blacklist_import"),
    path(
        "blacklist/<int:pk>/remove/", views.BlacklistRemoveView.as_view(), name="blacklist_remove"
    ),
]
