from django.urls import path

from attune.accounts import passkey_views, views

app_name = "accounts"
urlpatterns = [
    path("sign-in/", views.sign_in, name="login"),
    path("sign-in/link/<str:token>/", views.sign_in_link, name="sign_in_link"),
    path("sign-out/", views.sign_out, name="logout"),
    path("quick-exit/", views.quick_exit, name="quick_exit"),
    path("about-quick-exit/", views.about_quick_exit, name="about_quick_exit"),
    path("session/keepalive/", views.keepalive, name="keepalive"),
    path("settings/", views.account_settings, name="settings"),
    path("settings/tokens/", views.create_token, name="create_token"),
    path("settings/tokens/<int:token_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("settings/sign-out-elsewhere/", views.sign_out_elsewhere, name="sign_out_elsewhere"),
    path("settings/password/", views.change_password, name="change_password"),
    path("settings/email/", views.change_email, name="change_email"),
    path("settings/passkeys/new/", passkey_views.passkey_add, name="passkey_add"),
    path("settings/passkeys/options/", passkey_views.passkey_register_options, name="passkey_register_options"),
    path("settings/passkeys/", passkey_views.passkey_register, name="passkey_register"),
    path("settings/passkeys/added/", passkey_views.passkey_added, name="passkey_added"),
    path("settings/passkeys/<int:passkey_id>/rename/", passkey_views.passkey_rename, name="passkey_rename"),
    path("settings/passkeys/<int:passkey_id>/remove/", passkey_views.passkey_remove, name="passkey_remove"),
    path("passkey/sign-in/options/", passkey_views.passkey_sign_in_options, name="passkey_sign_in_options"),
    path("passkey/sign-in/", passkey_views.passkey_sign_in, name="passkey_sign_in"),
    path("passkey/confirm/options/", passkey_views.passkey_confirm_options, name="passkey_confirm_options"),
    path("passkey/confirm/", passkey_views.passkey_confirm, name="passkey_confirm"),
    path("confirm/", views.confirm, name="confirm"),
    path("two-step/setup/", views.mfa_setup, name="mfa_setup"),
    path("two-step/verify/", views.mfa_verify, name="mfa_verify"),
    path("two-step/recovery-codes/", views.mfa_recovery_codes, name="mfa_recovery_codes"),
    path("two-step/remove/", views.mfa_remove, name="mfa_remove"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("invitation/<str:token>/", views.accept_invitation, name="accept_invitation"),
]
